// The spreadsheet readers: CSV (encodings, quoting, ragged rows, limits) and XLSX (sheets, shared
// strings, dates, formulas, merged cells, ZIP bombs), through OpenSheet on real files.
#include <gtest/gtest.h>
#include <iconv.h>

#include <fstream>
#include <sstream>

#include "fieldbook/lang_text.h"
#include "fieldbook/utf8.h"
#include "import/csv_reader.h"
#include "import/sheet_reader.h"
#include "import/xlsx_reader.h"
#include "support/temp_dir.h"
#include "support/xlsx_builder.h"

namespace fieldbook::server {
namespace {

using fieldbook::testing::InlineCell;
using fieldbook::testing::MakeXlsx;
using fieldbook::testing::NumberCell;
using fieldbook::testing::SharedCell;
using fieldbook::testing::SheetXml;
using fieldbook::testing::TempDir;
using fieldbook::testing::TextRow;
using fieldbook::testing::XlsxSheet;

std::string ToGb18030(const std::string& utf8) {
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  std::string in = utf8;
  std::string out(in.size() * 4 + 16, '\0');
  char* ip = in.data();
  char* op = out.data();
  size_t il = in.size(), ol = out.size();
  EXPECT_NE(iconv(cd, &ip, &il, &op, &ol), static_cast<size_t>(-1));
  iconv_close(cd);
  out.resize(out.size() - ol);
  return out;
}

class SheetReaderTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& bytes) {
    const std::string path = dir_.File(name);
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  // Every row of the file, or the error.
  Result<std::vector<SheetRow>> ReadAll(const std::string& bytes, SheetOptions options = {}) {
    FB_ASSIGN_OR_RETURN(auto reader, OpenSheet(Write("in", bytes), options));
    std::vector<SheetRow> rows;
    SheetRow row;
    while (true) {
      FB_ASSIGN_OR_RETURN(bool more, reader->Next(row));
      if (!more) break;
      rows.push_back(row);
    }
    notes_ = NotesInEnglish(reader->Notes());
    return rows;
  }
  std::string Notes() const {
    std::string all;
    for (const auto& n : notes_) all += n + "\n";
    return all;
  }
  TempDir dir_;
  std::vector<std::string> notes_;
};

using Cells = std::vector<std::string>;

TEST_F(SheetReaderTest, CsvQuotedFieldsWithCommasQuotesAndNewlines) {
  auto rows = ReadAll("name,notes\r\n\"Li, Garage\",\"said \"\"hi\"\"\r\nsecond line\"\nlast,x");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[1].cells, (Cells{"Li, Garage", "said \"hi\"\r\nsecond line"}));
  EXPECT_EQ((*rows)[1].number, 2);
  EXPECT_EQ((*rows)[2].cells, (Cells{"last", "x"}));
  EXPECT_EQ((*rows)[2].number, 3);  // a record spanning lines is one row
}

TEST_F(SheetReaderTest, CsvUtf8BomIsDroppedAndRaggedRowsKeptAsTheyAre) {
  auto rows = ReadAll("\xEF\xBB\xBF客户名称,电话\n鑫达汽修,13800138000,extra\n顺通\n");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].cells, (Cells{"客户名称", "电话"}));
  EXPECT_EQ((*rows)[1].cells.size(), 3u);
  EXPECT_EQ((*rows)[2].cells, (Cells{"顺通"}));
  EXPECT_NE(Notes().find("byte-order mark"), std::string::npos);
}

TEST_F(SheetReaderTest, CsvGbkIsDetectedAndConverted) {
  // Long enough that multi-byte characters straddle the reader's 64 KiB chunks.
  std::string text = "客户名称,城市,备注\n";
  for (int i = 0; i < 5000; ++i) text += "鑫达汽修" + std::to_string(i) + ",广州,老板很满意\n";
  auto rows = ReadAll(ToGb18030(text));
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 5001u);
  EXPECT_EQ((*rows)[0].cells, (Cells{"客户名称", "城市", "备注"}));
  EXPECT_EQ((*rows)[4321].cells, (Cells{"鑫达汽修4320", "广州", "老板很满意"}));
  EXPECT_NE(Notes().find("GB18030"), std::string::npos);
}

TEST_F(SheetReaderTest, CsvWrongEncodingNamesTheRowAndSuggestsTheFix) {
  std::string text = "name,city\n";
  for (int i = 0; i < 5000; ++i) text += "garage" + std::to_string(i) + ",guangzhou\n";
  text += ToGb18030("鑫达汽修,广州") + "\n";  // GBK after 64 KiB of plain ASCII
  auto rows = ReadAll(text);
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.status().message().find("row 5002, column A"), std::string::npos)
      << rows.status().message();
  EXPECT_NE(rows.status().message().find("--encoding gb18030"), std::string::npos);
  // With the right encoding it reads.
  SheetOptions gb;
  gb.encoding = TextEncoding::kGb18030;
  auto fixed = ReadAll(text, gb);
  ASSERT_TRUE(fixed.ok()) << fixed.status().ToString();
  EXPECT_EQ(fixed->back().cells, (Cells{"鑫达汽修", "广州"}));
  // UTF-8 forced on a GBK file is refused the same way.
  SheetOptions utf8;
  utf8.encoding = TextEncoding::kUtf8;
  EXPECT_FALSE(ReadAll(ToGb18030("客户,城市\n"), utf8).ok());
}

TEST_F(SheetReaderTest, CsvCellLimitAndUnclosedQuoteAreClearErrors) {
  SheetOptions small;
  small.max_cell_bytes = 1 << 20;
  const std::string big = "name,notes\nok,x\nbig," + std::string((10 << 20), 'x') + "\n";
  auto rows = ReadAll(big, small);
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.status().message().find("row 3, column B"), std::string::npos)
      << rows.status().message();
  auto unclosed = ReadAll("name,notes\na,\"never closed\nb,c\n");
  ASSERT_FALSE(unclosed.ok());
  EXPECT_NE(unclosed.status().message().find("row 2, column B"), std::string::npos)
      << unclosed.status().message();
  EXPECT_NE(unclosed.status().message().find("not closed"), std::string::npos);
}

TEST_F(SheetReaderTest, EmptyUtf16AndXlsFilesAreRefusedWithAReason) {
  auto empty = ReadAll("");
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("empty"), std::string::npos);
  auto utf16 = ReadAll(std::string("\xFF\xFEn\0a\0", 6));
  ASSERT_FALSE(utf16.ok());
  EXPECT_NE(utf16.status().message().find("UTF-16"), std::string::npos);
  auto xls = ReadAll(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 rest", 13));
  ASSERT_FALSE(xls.ok());
  EXPECT_NE(xls.status().message().find(".xls"), std::string::npos);
}

TEST_F(SheetReaderTest, CsvSemicolonDelimiterIsDetected) {
  auto rows = ReadAll("name;amount\n\"a;b\";1.234,50\n");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[1].cells, (Cells{"a;b", "1.234,50"}));
}

TEST_F(SheetReaderTest, XlsxSharedStringsInlineStringsNumbersAndDates) {
  const std::string sheet = SheetXml(
      {{SharedCell("A1", 0), SharedCell("B1", 1), SharedCell("C1", 2), SharedCell("D1", 3)},
       {SharedCell("A2", 4), NumberCell("B2", "13800138000"), NumberCell("C2", "46349", 1),
        NumberCell("D2", "46349.5", 2)},
       {InlineCell("A3", "顺通 & 快修"), "", NumberCell("C3", "46000", 3),
        NumberCell("D3", "1234.5")}});
  auto rows =
      ReadAll(MakeXlsx({{"客户", sheet}}, {"客户名称", "电话", "生日", "下单时间", "鑫达汽修"}));
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].cells, (Cells{"客户名称", "电话", "生日", "下单时间"}));
  EXPECT_EQ((*rows)[1].cells,
            (Cells{"鑫达汽修", "13800138000", "2026-11-23", "2026-11-23 12:00:00"}));
  EXPECT_EQ((*rows)[2].cells, (Cells{"顺通 & 快修", "", "2025-12-09", "1234.5"}));
}

TEST_F(SheetReaderTest, ExcelSerialsFollowExcelsCalendar) {
  EXPECT_EQ(ExcelSerialToText(1), "1900-01-01");
  EXPECT_EQ(ExcelSerialToText(59), "1900-02-28");
  EXPECT_EQ(ExcelSerialToText(60), "");  // Excel's 1900-02-29, which never was
  EXPECT_EQ(ExcelSerialToText(61), "1900-03-01");
  EXPECT_EQ(ExcelSerialToText(45658), "2025-01-01");
  EXPECT_EQ(ExcelSerialToText(0, true), "1904-01-01");
  EXPECT_EQ(ExcelSerialToText(-1), "");
  EXPECT_EQ(ExcelSerialToText(1e300), "");
  EXPECT_TRUE(IsDateFormat(0, "yyyy\"年\"m\"月\"d\"日\""));
  EXPECT_FALSE(IsDateFormat(0, "#,##0.00\"元\""));
  EXPECT_FALSE(IsDateFormat(0, "[Red]0.00"));
  EXPECT_TRUE(IsDateFormat(14, ""));
}

TEST_F(SheetReaderTest, XlsxPicksTheFirstVisibleSheetAndNamesHiddenOnes) {
  const std::string hidden = SheetXml({TextRow(1, {"secret"})});
  const std::string shown = SheetXml({TextRow(1, {"name"}), TextRow(2, {"鑫达"})});
  const std::string book =
      MakeXlsx({{"Old", hidden, "hidden"}, {"Customers", shown}, {"Other", hidden}});
  auto rows = ReadAll(book);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ((*rows)[1].cells, (Cells{"鑫达"}));
  EXPECT_NE(Notes().find("skipped hidden sheet(s) \"Old\""), std::string::npos) << Notes();
  SheetOptions named;
  named.sheet = "Old";
  auto old = ReadAll(book, named);
  ASSERT_TRUE(old.ok());
  EXPECT_EQ((*old)[0].cells, (Cells{"secret"}));
  EXPECT_NE(Notes().find("hidden"), std::string::npos);
  named.sheet = "Nope";
  auto missing = ReadAll(book, named);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("\"Customers\""), std::string::npos)
      << missing.status().message();
}

TEST_F(SheetReaderTest, XlsxFormulasErrorsAndMergedCellsAreReported) {
  const std::string sheet = SheetXml(
      {TextRow(1, {"name", "amount", "city"}),
       {InlineCell("A2", "a"), "<c r=\"B2\"><f>SUM(1,2)</f><v>3</v></c>", InlineCell("C2", "广州")},
       {InlineCell("A3", "b"), "<c r=\"B3\"><f>SUM(1,2)</f></c>"},
       {InlineCell("A4", "c"), "<c r=\"B4\" t=\"e\"><v>#N/A</v></c>"}},
      "<mergeCells count=\"1\"><mergeCell ref=\"C2:C4\"/></mergeCells>");
  auto rows = ReadAll(MakeXlsx({{"S", sheet}}));
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_EQ((*rows)[1].cells, (Cells{"a", "3", "广州"}));
  EXPECT_TRUE((*rows)[1].issues.empty());
  ASSERT_EQ((*rows)[2].issues.size(), 2u);
  EXPECT_EQ((*rows)[2].issues[0].column, 1u);
  EXPECT_NE(
      SayRefusal(Lang::kEnglish, (*rows)[2].issues[0].why).find("formula without a computed value"),
      std::string::npos);
  EXPECT_NE(SayRefusal(Lang::kEnglish, (*rows)[2].issues[1].why).find("merged cells C2:C4"),
            std::string::npos);
  EXPECT_EQ((*rows)[3].issues[0].why.code, "http_import_cell_excel_error");
  EXPECT_EQ(SayRefusal(Lang::kEnglish, (*rows)[3].issues[0].why), "holds the Excel error #N/A");
  EXPECT_EQ(SayRefusal(Lang::kChinese, (*rows)[3].issues[0].why), "含有 Excel 错误值 #N/A");
  EXPECT_NE(Notes().find("1 cell(s) hold formulas"), std::string::npos) << Notes();
}

// A cell's Excel error or shared-string index is named in its problem by its first 64 bytes of
// whole characters (the re-read of session 14: a value of up to 1 MiB went into the message).
TEST_F(SheetReaderTest, ACellsLongValueIsNamedByItsFirst64Bytes) {
  std::string error = "#";
  for (int i = 0; i < 2000; ++i) error += "错";
  const std::string sheet = SheetXml(
      {TextRow(1, {"name", "x"}),
       {InlineCell("A2", "a"), "<c r=\"B2\" t=\"e\"><v>" + error + "</v></c>"},
       {InlineCell("A3", "b"), "<c r=\"B3\" t=\"s\"><v>" + std::string(5000, '9') + "</v></c>"}});
  auto rows = ReadAll(MakeXlsx({{"S", sheet}}));
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 3u);
  for (size_t r : {1u, 2u}) {
    ASSERT_EQ((*rows)[r].issues.size(), 1u);
    const std::string en = SayRefusal(Lang::kEnglish, (*rows)[r].issues[0].why);
    EXPECT_LT(en.size(), 140u) << en.substr(0, 200);
    EXPECT_TRUE(IsValidUtf8(en));
    EXPECT_NE(en.find("…"), std::string::npos) << en;
  }
  EXPECT_EQ((*rows)[1].issues[0].why.values,
            (TextValues{{"error", "#" + error.substr(1, 21 * 3) + "…"}}));
}

TEST_F(SheetReaderTest, XlsxZipBombIsRefusedBeforeInflating) {
  // 10 MiB of blanks inside a valid sheet deflate to about 10 KiB: far over a ratio of 200.
  std::string sheet = SheetXml({TextRow(1, {"name"})});
  sheet.insert(sheet.find("<sheetData>"), std::string(10 << 20, ' '));
  const std::string book = MakeXlsx({{"S", sheet}});
  EXPECT_LT(book.size(), 1u << 20);
  auto rows = ReadAll(book);
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.status().message().find("ZIP bomb"), std::string::npos) << rows.status().message();
  SheetOptions tight;
  tight.max_uncompressed_bytes = 1 << 20;
  tight.max_ratio = 1000000;
  auto total = ReadAll(book, tight);
  ASSERT_FALSE(total.ok());
  EXPECT_NE(total.status().message().find("ZIP bomb"), std::string::npos);
}

TEST_F(SheetReaderTest, DamagedWorkbooksAreRefused) {
  std::string book = MakeXlsx({{"S", SheetXml({TextRow(1, {"name"})})}});
  auto cut = ReadAll(book.substr(0, book.size() / 2));
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.status().message().find(".xlsx"), std::string::npos) << cut.status().message();
  auto bad_xml = ReadAll(MakeXlsx({{"S", "<worksheet><sheetData><row><c>"}}));
  ASSERT_FALSE(bad_xml.ok());
  EXPECT_NE(bad_xml.status().message().find("damaged XML"), std::string::npos)
      << bad_xml.status().message();
  auto no_book = ReadAll(fieldbook::testing::ZipEntries({{"a.txt", "hello"}}));
  ASSERT_FALSE(no_book.ok());
  EXPECT_NE(no_book.status().message().find("xl/workbook.xml is missing"), std::string::npos);
}

TEST_F(SheetReaderTest, XlsxLargeSheetStreamsEveryRow) {
  std::vector<std::vector<std::string>> rows{TextRow(1, {"name", "amount"})};
  for (int i = 2; i <= 5000; ++i) {  // ~300 KiB of sheet XML: several of the reader's chunks
    rows.push_back({InlineCell("A" + std::to_string(i), "g" + std::to_string(i)),
                    NumberCell("B" + std::to_string(i), std::to_string(i * 3))});
  }
  auto read = ReadAll(MakeXlsx({{"S", SheetXml(rows)}}));
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->size(), 5000u);
  EXPECT_EQ((*read)[4999].number, 5000);
  EXPECT_EQ((*read)[4999].cells, (Cells{"g5000", "15000"}));
}

}  // namespace
}  // namespace fieldbook::server
