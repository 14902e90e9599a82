// The import's whole-file refusals, tier-price problems and the hub's refusals as values (issue
// #19): every refusal the CSV and XLSX readers make of a whole file (an encoding, a ZIP, a ZIP
// bomb, a sheet, an empty file...) is a code of fieldbook/lang_text.h HttpRefusals with its values,
// its English the message as it always was, its Chinese free of English; every such code the
// readers' sources name is met by a bad file here (or is listed with why it cannot be); and the
// import API sends the code beside its English ("error_code", "error_values").
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>

#include "api/sync_service.h"
#include "fieldbook/lang_text.h"
#include "fieldbook/utf8.h"
#include "http/metrics.h"
#include "import/importer_impl.h"
#include "import/sheet_reader.h"
#include "store/product_store.h"
#include "support/server_store_fixture.h"
#include "support/temp_dir.h"
#include "support/xlsx_builder.h"

namespace fieldbook::server {
namespace {

using namespace std::string_literals;

using fieldbook::testing::InlineCell;
using fieldbook::testing::MakeXlsx;
using fieldbook::testing::SheetXml;
using fieldbook::testing::TextRow;
using fieldbook::testing::ZipEntries;

bool HasCjk(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0xE3 && c <= 0xE9) return true;
  }
  return false;
}

// Three English words in a row: what a Chinese text must not hold.
const std::regex& EnglishWords() {
  static const std::regex kWords("(^|[^-a-z_/.])([a-z]+ ){2}[a-z]+");
  return kWords;
}

// The "http_..." string literals of the readers' sources: the codes they send.
std::set<std::string> ReaderCodes() {
  const std::filesystem::path dir = std::filesystem::path(FIELDBOOK_SOURCE_DIR) / "server/import";
  static const std::regex kCode("\"(http_[a-z0-9_]+)\"");
  std::set<std::string> out;
  for (const char* file : {"csv_reader.cc", "xlsx_reader.cc", "sheet_reader.cc"}) {
    std::ifstream in(dir / file);
    EXPECT_TRUE(in.good()) << dir / file;
    const std::string source{std::istreambuf_iterator<char>(in), {}};
    for (std::sregex_iterator at(source.begin(), source.end(), kCode), end; at != end; ++at) {
      out.insert((*at)[1].str());
    }
  }
  return out;
}

// The refusal of `status` read in both languages: its English the message (or, where a library's
// words follow the code's text, the start of it), its Chinese without English.
// `own_english`: a message worded apart from its code (an empty file's names the file).
void ExpectBothLanguages(const Status& s, const std::string& what, bool own_english = false) {
  ASSERT_NE(s.phrase(), nullptr) << what << ": " << s.message();
  const std::string en = SayRefusal(Lang::kEnglish, *s.phrase());
  if (!own_english) {
    EXPECT_EQ(s.message().rfind(en, 0), 0u) << what << ": " << s.message() << " / " << en;
  }
  const std::string zh = SayRefusal(Lang::kChinese, *s.phrase());
  EXPECT_TRUE(HasCjk(zh)) << what << ": " << zh;
  static const std::regex kPlaceholder(R"(\{[a-z_]+(:[a-z_:]+)?\})");
  EXPECT_FALSE(std::regex_search(zh, kPlaceholder)) << what << ": " << zh;
  EXPECT_FALSE(std::regex_search(zh, EnglishWords())) << what << ": " << zh;
  EXPECT_LE(zh.size(), 600u) << what << ": " << zh;
}

class ImportCodesTest : public ::testing::Test {
 protected:
  // Every row of the file as OpenSheet reads it: its error, or OK.
  Status Read(const std::string& bytes, SheetOptions options = {}) {
    const std::string path = dir_.File("in" + std::to_string(++files_));
    std::ofstream(path, std::ios::binary) << bytes;
    FB_ASSIGN_OR_RETURN(auto reader, OpenSheet(path, options));
    SheetRow row;
    while (true) {
      FB_ASSIGN_OR_RETURN(bool more, reader->Next(row));
      if (!more) break;
    }
    notes_ = reader->Notes();
    return Status::Ok();
  }
  std::vector<Phrase> notes_;
  fieldbook::testing::TempDir dir_;
  int files_ = 0;
};

TEST_F(ImportCodesTest, EveryWholeFileRefusalIsACodeInBothLanguages) {
  struct Bad {
    std::string what, bytes;
    SheetOptions options;
    const char* code;
    std::string english;  // the message as it always was ("" = only its code checked)
  };
  SheetOptions gb, utf8, tiny, narrow, one_column, hidden_named, no_ratio, small_entry, small_total;
  gb.encoding = TextEncoding::kGb18030;
  utf8.encoding = TextEncoding::kUtf8;
  one_column.max_columns = 1;
  small_entry.max_uncompressed_bytes = 100;
  tiny.max_cell_bytes = 16;
  narrow.max_columns = 2;
  hidden_named.sheet = "Nope";
  no_ratio.ratio_floor_bytes = 0;
  no_ratio.max_ratio = 1;
  const std::string sheet = SheetXml({TextRow(1, {"name", "city"}), TextRow(2, {"a", "b"})});
  const std::string book = MakeXlsx({{"S", sheet}});
  // The largest entry of `book` passes a limit that their sum does not.
  small_total.max_uncompressed_bytes = 0;
  for (const auto& [name, bytes] : fieldbook::testing::WorkbookParts({{"S", sheet}}, {})) {
    small_total.max_uncompressed_bytes =
        std::max<uint64_t>(small_total.max_uncompressed_bytes, bytes.size());
  }
  small_total.ratio_floor_bytes = 1u << 20;
  const std::string rels_empty =
      "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"/>";
  std::vector<Bad> cases = {
      {"an empty file", "", {}, "http_import_empty", ""},
      {"UTF-16",
       std::string("\xFF\xFEn\0a\0", 6),
       {},
       "http_import_utf16",
       "the file is UTF-16 text (Excel's \"Unicode text\"); save it as \"CSV UTF-8\" or as .xlsx"},
      {"a BOM under --encoding gb18030", "\xEF\xBB\xBFname\n", gb, "http_import_bom_not_gb18030",
       "--encoding gb18030 was given but the file starts with a UTF-8 byte-order mark"},
      {"GBK read as UTF-8", "name\nok\n\xFF\xFE\n", utf8, "http_import_not_utf8",
       "row 3, column A: the byte 0xFF is not valid UTF-8; the file is not UTF-8 there: if Excel "
       "on Chinese Windows wrote it, pass --encoding gb18030"},
      {"a NUL in UTF-8",
       "name,city\na,b\0c\n"s,
       {},
       "http_import_nul_utf8",
       "row 2, column B: a NUL byte (binary data); the file is not UTF-8 there: if Excel on "
       "Chinese Windows wrote it, pass --encoding gb18030"},
      {"bad GB18030", "name\n\x81\x20x\n", gb, "http_import_not_gb18030",
       "row 2, column A: the bytes from 0x81 are not valid GB18030; the file is not GB18030/GBK "
       "there: if it is UTF-8, pass --encoding utf-8"},
      {"GB18030 cut at the end", "name\n\x81", gb, "http_import_gb18030_cut",
       "row 2, column A: the file ends inside a character; the file is not GB18030/GBK there: if "
       "it is UTF-8, pass --encoding utf-8"},
      {"a NUL in GB18030", "name\na\0\n"s, gb, "http_import_nul_gb18030",
       "row 2, column A: a NUL byte (binary data); the file is not GB18030/GBK there: if it is "
       "UTF-8, pass --encoding utf-8"},
      {"a CSV cell too long", "name\n" + std::string(40, 'x') + "\n", tiny,
       "http_import_cell_too_long",
       "row 2, column A: a value longer than 16 bytes; nothing was imported from it"},
      {"a quote never closed, too long", "name\n\"" + std::string(40, 'x'), tiny,
       "http_import_quote_too_long",
       "row 2, column A: a value longer than 16 bytes (a quote that is never closed?); nothing was "
       "imported from it"},
      {"too many CSV columns", "a,b,c\n", narrow, "http_import_too_many_columns",
       "row 1: more than 2 columns"},
      {"a quote never closed",
       "name,notes\na,\"never\n",
       {},
       "http_import_quote_not_closed",
       "row 2, column B: a quoted value is not closed before the end of the file"},
      {"an old .xls",
       std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 rest", 13),
       {},
       "http_import_xls",
       ""},
      {"a damaged ZIP", "PK\x03\x04 and nothing of a ZIP after it", {}, "http_import_not_xlsx", ""},
      {"an entry over the limit", book, small_entry, "http_import_zip_entry_too_large", ""},
      {"an entry inflating too many times", book, no_ratio, "http_import_zip_entry_ratio", ""},
      {"a workbook over the limit in all", book, small_total, "http_import_zip_total", ""},
      {"a ZIP without a workbook",
       ZipEntries({{"a.txt", "hello"}}),
       {},
       "http_import_xlsx_part_missing",
       "not an Excel workbook: xl/workbook.xml is missing"},
      {"damaged sheet XML",
       MakeXlsx({{"S", "<worksheet><sheetData><row><c>"}}),
       {},
       "http_import_xlsx_damaged_xml",
       ""},
      {"a shared string too long", MakeXlsx({{"S", sheet}}, {std::string(40, 's')}), tiny,
       "http_import_xlsx_shared_too_long", "shared string 0 is longer than 16 bytes"},
      {"an XLSX cell too long",
       MakeXlsx({{"S", SheetXml({{InlineCell("A1", std::string(40, 'x'))}})}}), tiny,
       "http_import_cell_too_long",
       "row 1, column A: a value longer than 16 bytes; nothing was imported from it"},
      {"too many XLSX columns", book, one_column, "http_import_xlsx_too_many_columns",
       "row 1, column B: beyond the limit of 1 columns"},
      {"no sheets",
       ZipEntries({{"xl/workbook.xml", "<workbook><sheets/></workbook>"},
                   {"xl/_rels/workbook.xml.rels", rels_empty}}),
       {},
       "http_import_xlsx_no_sheets",
       "the workbook has no sheets"},
      {"every sheet hidden",
       MakeXlsx({{"Old", sheet, "hidden"}, {"Older", sheet, "veryHidden"}}),
       {},
       "http_import_xlsx_all_hidden",
       "every sheet of the workbook is hidden: \"Old\" (hidden), \"Older\" (hidden); name one with "
       "--sheet"},
      {"no such sheet", book, hidden_named, "http_import_xlsx_no_sheet",
       "the workbook has no sheet \"Nope\"; its sheets: \"S\""},
      {"a sheet without a part",
       ZipEntries({{"xl/workbook.xml",
                    "<workbook><sheets><sheet name=\"S\" r:id=\"rId9\"/></sheets></workbook>"},
                   {"xl/_rels/workbook.xml.rels", rels_empty}}),
       {},
       "http_import_xlsx_sheet_no_part",
       "the workbook's sheet \"S\" has no part (a damaged workbook)"},
  };
  std::set<std::string> met;
  for (const Bad& c : cases) {
    SCOPED_TRACE(c.what);
    const Status s = Read(c.bytes, c.options);
    // An empty file's and an old .xls's English name the file (the command line's path); the
    // hidden sheets' English marks them "(hidden)".
    const std::set<std::string> worded_apart = {"http_import_empty", "http_import_xls",
                                                "http_import_xlsx_all_hidden"};
    const bool own_english = worded_apart.count(c.code) > 0;
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.message();
    ASSERT_NE(s.phrase(), nullptr) << s.message();
    EXPECT_EQ(s.phrase()->code, c.code) << s.message();
    if (!c.english.empty()) EXPECT_EQ(s.message(), c.english);
    ExpectBothLanguages(s, c.what, own_english);
    met.insert(s.phrase()->code);
  }
  // A file that is not there (the command line's path).
  auto missing = OpenSheet(dir_.File("not-there.csv"), {});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "cannot open " + dir_.File("not-there.csv"));
  ExpectBothLanguages(missing.status(), "a missing file");
  met.insert(missing.status().phrase()->code);

  // Every code the readers send is met above, but those no file made here can reach: a failing
  // disk, libzip failing to open or inflate an entry it listed, an entry inflating past what it
  // declares (libzip checks sizes first), a sheet's part missing after its merges were read, and
  // the sheet's XML damaged after the same XML was read once whole. Their texts are walked by
  // ApiErrorCodesTest with the whole table.
  const std::set<std::string> unreachable = {
      "http_import_cannot_read",        "http_import_zip_entry_unreadable",
      "http_import_zip_entry_damaged",  "http_import_zip_entry_more",
      "http_import_xlsx_sheet_missing", "http_import_xlsx_sheet_damaged"};
  // A cell's problems inside a row (sheet_reader_test.cc, importer_test.cc), not the file's, and
  // --encoding's field check (the API's generic code).
  const std::set<std::string> cell_problems = {
      "http_import_cell_merged", "http_import_cell_shared_string", "http_import_cell_excel_error",
      "http_import_cell_formula", "http_field_one_of"};
  // The readers' notes on a file they read (the report's and the preview's "notes"), each in both
  // languages.
  struct Noted {
    std::string bytes;
    SheetOptions options;
    const char* code;
    std::string english;
  };
  SheetOptions named_hidden;
  named_hidden.sheet = "Old";
  const std::string merged_sheet =
      SheetXml({TextRow(1, {"name"}), {"<c r=\"A2\"><f>1+1</f><v>2</v></c>"}},
               "<mergeCells count=\"1\"><mergeCell ref=\"A1:A2\"/></mergeCells>");
  const Noted noted[] = {
      {"\xEF\xBB\xBFname\n",
       {},
       "http_import_note_utf8_bom",
       "encoding: UTF-8 (with a byte-order mark)"},
      {"\x84\x31\x95\x33name\n",
       {},
       "http_import_note_gb18030_bom",
       "encoding: GB18030 (with a byte-order mark)"},
      {"name\n", {}, "http_import_note_utf8_detected", "encoding: UTF-8 (detected)"},
      {"name\n\xB9\xE3\n",
       {},
       "http_import_note_gb18030_detected",
       "encoding: GB18030/GBK (detected: the file is not UTF-8)"},
      {"name\n", utf8, "http_import_note_utf8_given", "encoding: UTF-8 (as given)"},
      {"name\n", gb, "http_import_note_gb18030_given", "encoding: GB18030/GBK (as given)"},
      {"a;b\n", {}, "http_import_note_semicolon", "delimiter: semicolon"},
      {"a\tb\n", {}, "http_import_note_tab", "delimiter: tab"},
      {MakeXlsx({{"Old", sheet, "hidden"}, {"S", sheet}}), named_hidden,
       "http_import_note_sheet_hidden", "sheet \"Old\" is hidden in the workbook"},
      {MakeXlsx({{"Old", sheet, "hidden"}, {"S", sheet}}),
       {},
       "http_import_note_skipped_hidden",
       "skipped hidden sheet(s) \"Old\" (read one with --sheet)"},
      {MakeXlsx({{"S", sheet}, {"T", sheet}}),
       {},
       "http_import_note_reading_sheet",
       "reading sheet \"S\" of 2"},
      {MakeXlsx({{"S", merged_sheet}}),
       {},
       "http_import_note_merged",
       "the sheet has 1 merged range(s)"},
      {MakeXlsx({{"S", merged_sheet}}),
       {},
       "http_import_note_formulas",
       "1 cell(s) hold formulas: their last computed values were imported"},
  };
  for (const Noted& n : noted) {
    SCOPED_TRACE(n.code);
    ASSERT_TRUE(Read(n.bytes, n.options).ok());
    bool found = false;
    for (const Phrase& p : notes_) {
      if (p.code != n.code) continue;
      found = true;
      EXPECT_EQ(SayRefusal(Lang::kEnglish, p), n.english);
      ExpectBothLanguages(Status(StatusCode::kInvalidArgument, n.english, p), n.code);
    }
    EXPECT_TRUE(found) << NotesInEnglish(notes_).size();
    met.insert(n.code);
  }

  const std::set<std::string> used = ReaderCodes();
  EXPECT_GT(used.size(), 25u);
  for (const std::string& code : used) {
    if (cell_problems.count(code) > 0) continue;
    EXPECT_EQ(met.count(code) + unreachable.count(code), 1u) << code;
    EXPECT_NE(FindText(HttpRefusals(), code), nullptr) << code;
  }
}

TEST_F(ImportCodesTest, TierPriceProblemsAndTheHubsRefusalsAreCodes) {
  struct Bad {
    std::string text;
    const char* code;
    std::string english;
  };
  const Bad cases[] = {
      {"{\"VIP\": ", "http_tier_prices_json",
       "tier prices must be a JSON object {\"VIP\": 9800} (cents)"},
      {"{\"VIP\": 98.5}", "http_tier_price_cents",
       "the price of tier VIP must be a whole number of cents"},
      {"VIP 98", "http_tier_price_form", "tier price 'VIP 98' must be TIER=PRICE (VIP=98.00)"},
      {"VIP=98, A=cheap", "http_tier_price_form",
       "tier price 'A=cheap' must be TIER=PRICE (VIP=98.00)"},
  };
  for (const Bad& c : cases) {
    const auto parsed = ProductStore::ParseTierPrices(c.text);
    ASSERT_FALSE(parsed.ok()) << c.text;
    EXPECT_EQ(parsed.status().message(), c.english);
    ASSERT_NE(parsed.status().phrase(), nullptr) << c.text;
    EXPECT_EQ(parsed.status().phrase()->code, c.code);
    ExpectBothLanguages(parsed.status(), c.text);
  }
  EXPECT_EQ(SayRefusal(Lang::kChinese, *ProductStore::ParseTierPrices("VIP").status().phrase()),
            "等级价格“VIP”必须写成 等级=价格（如 VIP=98.00）");
  // A tier-price cell of 1 MiB is named by its first 64 bytes of whole characters.
  const std::string huge = "VIP" + std::string(1 << 20, 'x');
  const Status long_entry = ProductStore::ParseTierPrices(huge).status();
  EXPECT_LT(long_entry.message().size(), 150u);
  EXPECT_TRUE(IsValidUtf8(long_entry.message()));

  // The hub's refusals by its machine code; an unknown one by the code itself.
  struct Hub {
    const char* hub_code;
    const char* code;
    const char* zh;
  };
  const Hub hub[] = {
      {"invalid", "http_import_hub_invalid", "被服务器拒绝：订单表的这一行内容不被接受"},
      {"constraint", "http_import_hub_constraint", "被服务器拒绝：有数值不符合订单表的规则"},
      {"immutable_fact", "http_import_hub_immutable_fact",
       "被服务器拒绝：已记录的订单行（拜访、订单或反馈）不能修改"},
      {"out_of_scope", "http_import_hub_refused", "被服务器拒绝（out_of_scope）"},
  };
  for (const Hub& h : hub) {
    RowRejection rej;
    rej.table = "orders";
    rej.code = h.hub_code;
    rej.reason = "CHECK constraint failed: amount_cents >= 0";
    const Phrase why = HubRefusal(rej);
    EXPECT_EQ(why.code, h.code);
    EXPECT_EQ(SayRefusal(Lang::kChinese, why), h.zh);
    EXPECT_EQ(SayRefusal(Lang::kEnglish, why).find("CHECK"), std::string::npos);
  }
  // Every table an import writes by its name in Chinese (session 15's re-read: the table's own
  // name stood in the Chinese), as it is in English.
  static const std::regex kLatin("[A-Za-z]");
  for (const char* table :
       {"customers", "contacts", "visits", "orders", "order_lines", "products"}) {
    for (const char* code : {"http_import_hub_invalid", "http_import_hub_constraint",
                             "http_import_hub_immutable_fact"}) {
      const Phrase why{code, {{"table", table}}};
      const std::string zh = SayRefusal(Lang::kChinese, why);
      EXPECT_FALSE(std::regex_search(zh, kLatin)) << zh;
      EXPECT_NE(SayRefusal(Lang::kEnglish, why).find(std::string(" ") + table + " "),
                std::string::npos);
    }
  }
}

// The import API: a whole file's refusal goes as "invalid_file" with its English as before and
// its code and values beside it, for the import, the dry run and the preview alike.
class ImportCodesApiTest : public fieldbook::testing::ServerStoreFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServerStoreFixture::SetUp());
    manager_ = AddRep("mgr", "Manager", "manager");
    service_ = std::make_unique<SyncService>(*store_, metrics_, wall_, SyncServiceOptions{});
  }
  boost::json::object Post(const std::string& target, const std::string& bytes) {
    const std::string path = dir_.File("upload" + std::to_string(++files_));
    std::ofstream(path, std::ios::binary) << bytes;
    HttpRequest request;
    request.method = "POST";
    request.target = target;
    request.content_type = "application/octet-stream";
    request.has_body = true;
    request.authorization = "Bearer " + manager_;
    HttpAdmission admission = service_->Admit(request);
    EXPECT_FALSE(admission.response.has_value());
    request.body_path = path;
    request.admitted = admission.context;
    const HttpResponse response = service_->Handle(request);
    EXPECT_EQ(response.status, 400) << response.body;
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(response.body, ec);
    EXPECT_FALSE(ec) << response.body;
    return ec || !v.is_object() ? boost::json::object{} : v.as_object();
  }
  Metrics metrics_;
  std::unique_ptr<SyncService> service_;
  std::string manager_;
  int files_ = 0;
};

TEST_F(ImportCodesApiTest, AWholeFilesRefusalCarriesItsCode) {
  const std::string gbk_in_utf8 = "客户名称,城市\n鑫达汽修,广州\n\xB9\xE3\xD6\xDD,x\n";
  for (const char* target : {"/v1/admin/import/customers?encoding=utf-8",
                             "/v1/admin/import/customers?encoding=utf-8&dry_run=1",
                             "/v1/admin/import/customers?encoding=utf-8&preview=1"}) {
    SCOPED_TRACE(target);
    const boost::json::object o = Post(target, gbk_in_utf8);
    ASSERT_TRUE(o.contains("error_code")) << boost::json::serialize(o);
    EXPECT_EQ(o.at("error").at("code").as_string(), "invalid_file");
    // The English as before (a real import adds that it wrote nothing).
    const std::string message(o.at("error").at("message").as_string());
    EXPECT_EQ(message.rfind("row 3, column A: the byte 0xB9 is not valid UTF-8; the file is not "
                            "UTF-8 there: if Excel on Chinese Windows wrote it, pass --encoding "
                            "gb18030",
                            0),
              0u)
        << message;
    EXPECT_EQ(o.at("error_code").as_string(), "http_import_not_utf8");
    const auto& values = o.at("error_values").as_object();
    EXPECT_EQ(values.at("row").as_string(), "3");
    EXPECT_EQ(values.at("column").as_string(), "A");
    EXPECT_EQ(values.at("byte").as_string(), "0xB9");
  }
  const std::string sheet = SheetXml({TextRow(1, {"客户名称"})});
  const boost::json::object hidden =
      Post("/v1/admin/import/customers?preview=1", MakeXlsx({{"旧表", sheet, "hidden"}}));
  ASSERT_TRUE(hidden.contains("error_code")) << boost::json::serialize(hidden);
  EXPECT_EQ(hidden.at("error_code").as_string(), "http_import_xlsx_all_hidden");
  TextValues values;
  for (const auto& [k, v] : hidden.at("error_values").as_object()) {
    values.emplace_back(std::string(k), std::string(v.as_string()));
  }
  EXPECT_EQ(SayRefusal(Lang::kChinese, {"http_import_xlsx_all_hidden", values}),
            "工作簿中的工作表都已隐藏：\"旧表\"；请指定要读取的工作表");
}

}  // namespace
}  // namespace fieldbook::server
