// Builds small .xlsx workbooks in memory for tests and fuzz seeds: the parts Excel writes
// (workbook, relationships, styles, shared strings, sheets) zipped with libzip. Cells are given as
// their XML so a test can make exactly the workbook it needs (dates, formulas, errors, merges).
//
// Styles: s="1" is Excel's built-in date format 14, s="2" a custom "yyyy/m/d", s="3" the CJK
// built-in 31 (2026年11月23日), s="0" general.
//
// Thread safety: free functions without shared state.
#ifndef FIELDBOOK_TESTS_SUPPORT_XLSX_BUILDER_H_
#define FIELDBOOK_TESTS_SUPPORT_XLSX_BUILDER_H_

#include <zip.h>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace fieldbook::testing {

struct XlsxSheet {
  std::string name;
  std::string xml;  // the whole worksheet part (SheetXml)
  std::string state = "visible";
};

// Zips `entries` (name, content) in memory. `level`: deflate level (0 stores).
inline std::string ZipEntries(const std::vector<std::pair<std::string, std::string>>& entries,
                              int level = 6) {
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(nullptr, 0, 0, &err);
  if (!src) throw std::runtime_error("zip_source_buffer_create");
  zip_t* za = zip_open_from_source(src, ZIP_TRUNCATE, &err);
  if (!za) throw std::runtime_error("zip_open_from_source");
  zip_source_keep(src);
  for (const auto& [name, content] : entries) {
    zip_source_t* s = zip_source_buffer(za, content.data(), content.size(), 0);
    const zip_int64_t idx = zip_file_add(za, name.c_str(), s, ZIP_FL_ENC_UTF_8);
    if (idx < 0) throw std::runtime_error("zip_file_add");
    zip_set_file_compression(za, static_cast<zip_uint64_t>(idx),
                             level == 0 ? ZIP_CM_STORE : ZIP_CM_DEFLATE,
                             static_cast<zip_uint32_t>(level));
  }
  if (zip_close(za) != 0) throw std::runtime_error("zip_close");
  zip_stat_t st;
  zip_source_open(src);
  zip_source_stat(src, &st);
  std::string out(st.size, '\0');
  zip_source_read(src, out.data(), st.size);
  zip_source_close(src);
  zip_source_free(src);
  return out;
}

inline std::string XmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '"')
      out += "&quot;";
    else
      out += c;
  }
  return out;
}

// One cell's XML. `ref` like "B3".
inline std::string InlineCell(const std::string& ref, const std::string& text) {
  return "<c r=\"" + ref + "\" t=\"inlineStr\"><is><t>" + XmlEscape(text) + "</t></is></c>";
}
inline std::string SharedCell(const std::string& ref, int index) {
  return "<c r=\"" + ref + "\" t=\"s\"><v>" + std::to_string(index) + "</v></c>";
}
inline std::string NumberCell(const std::string& ref, const std::string& number, int style = 0) {
  return "<c r=\"" + ref + "\" s=\"" + std::to_string(style) + "\"><v>" + number + "</v></c>";
}

// A worksheet part: rows of cell XML (row n is <row r="n">), then `after` (e.g. <mergeCells>).
inline std::string SheetXml(const std::vector<std::vector<std::string>>& rows,
                            const std::string& after = "") {
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
      "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
      "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
      "<sheetData>";
  for (size_t r = 0; r < rows.size(); ++r) {
    xml += "<row r=\"" + std::to_string(r + 1) + "\">";
    for (const std::string& c : rows[r]) xml += c;
    xml += "</row>";
  }
  return xml + "</sheetData>" + after + "</worksheet>";
}

// A row of inline strings for row `row` (1-based), from column A.
inline std::vector<std::string> TextRow(int row, const std::vector<std::string>& texts) {
  std::vector<std::string> cells;
  for (size_t i = 0; i < texts.size(); ++i) {
    if (texts[i].empty()) continue;
    std::string ref(1, static_cast<char>('A' + i));
    cells.push_back(InlineCell(ref + std::to_string(row), texts[i]));
  }
  return cells;
}

inline std::vector<std::pair<std::string, std::string>> WorkbookParts(
    const std::vector<XlsxSheet>& sheets, const std::vector<std::string>& shared,
    bool date1904 = false) {
  std::string wb =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
      "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
      "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">";
  if (date1904) wb += "<workbookPr date1904=\"1\"/>";
  wb += "<sheets>";
  std::string rels =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
      "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">";
  std::vector<std::pair<std::string, std::string>> parts;
  for (size_t i = 0; i < sheets.size(); ++i) {
    const std::string n = std::to_string(i + 1);
    wb += "<sheet name=\"" + XmlEscape(sheets[i].name) + "\" sheetId=\"" + n + "\" r:id=\"rId" + n +
          "\"" + (sheets[i].state == "visible" ? "" : " state=\"" + sheets[i].state + "\"") + "/>";
    rels += "<Relationship Id=\"rId" + n +
            "\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
            "worksheet\" Target=\"worksheets/sheet" +
            n + ".xml\"/>";
    parts.push_back({"xl/worksheets/sheet" + n + ".xml", sheets[i].xml});
  }
  wb += "</sheets></workbook>";
  rels += "</Relationships>";
  std::string sst =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
      "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">";
  for (const std::string& s : shared) sst += "<si><t>" + XmlEscape(s) + "</t></si>";
  sst += "</sst>";
  const std::string styles =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
      "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
      "<numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"yyyy/m/d\"/></numFmts>"
      "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\"/></cellStyleXfs>"
      "<cellXfs count=\"4\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/>"
      "<xf numFmtId=\"31\"/></cellXfs></styleSheet>";
  parts.insert(parts.begin(), {{"[Content_Types].xml", "<Types/>"},
                               {"xl/workbook.xml", wb},
                               {"xl/_rels/workbook.xml.rels", rels},
                               {"xl/styles.xml", styles},
                               {"xl/sharedStrings.xml", sst}});
  return parts;
}

inline std::string MakeXlsx(const std::vector<XlsxSheet>& sheets,
                            const std::vector<std::string>& shared = {}, bool date1904 = false) {
  return ZipEntries(WorkbookParts(sheets, shared, date1904));
}

}  // namespace fieldbook::testing

#endif  // FIELDBOOK_TESTS_SUPPORT_XLSX_BUILDER_H_
