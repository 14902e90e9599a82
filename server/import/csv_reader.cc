#include "import/csv_reader.h"

#include <cerrno>
#include <cstring>
#include <string_view>

#include "fieldbook/refusal_status.h"
#include "fieldbook/utf8.h"

namespace fieldbook::server {

namespace {

constexpr size_t kChunk = 64 * 1024;

std::string Hex(unsigned char c) {
  static const char* digits = "0123456789ABCDEF";
  return std::string("0x") + digits[c >> 4] + digits[c & 15];
}

std::string Mib(size_t bytes) {
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) {
    return std::to_string(bytes >> 20) + " MiB";
  }
  return std::to_string(bytes) + " bytes";
}

// A refusal of the whole file (issue #19): a code of fieldbook/lang_text.h HttpRefusals with its
// values, its English the code's.
Status Refuse(Phrase why) { return RefusalStatus(StatusCode::kInvalidArgument, std::move(why)); }

}  // namespace

Result<std::unique_ptr<CsvReader>> CsvReader::Open(std::unique_ptr<std::istream> in,
                                                   const SheetOptions& options,
                                                   uint64_t total_bytes) {
  std::unique_ptr<CsvReader> r(new CsvReader());
  r->in_ = std::move(in);
  r->options_ = options;
  r->total_ = total_bytes;
  // The first chunk decides the encoding.
  std::string head(kChunk, '\0');
  r->in_->read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(r->in_->gcount()));
  if (r->in_->bad()) return RefusalStatus(StatusCode::kIo, {"http_import_cannot_read", {}});
  r->eof_ = head.size() < kChunk;
  r->consumed_ = head.size();
  size_t skip = 0;
  auto starts = [&](const char* bom, size_t n) {
    return head.size() >= n && std::memcmp(head.data(), bom, n) == 0;
  };
  if (starts("\xFF\xFE", 2) || starts("\xFE\xFF", 2)) {
    return Refuse({"http_import_utf16", {}});
  }
  TextEncoding enc = options.encoding;
  if (starts("\xEF\xBB\xBF", 3)) {
    if (enc == TextEncoding::kGb18030) {
      return Refuse({"http_import_bom_not_gb18030", {}});
    }
    enc = TextEncoding::kUtf8;
    skip = 3;
    r->notes_.push_back({"http_import_note_utf8_bom", {}});
  } else if (starts("\x84\x31\x95\x33", 4)) {
    enc = TextEncoding::kGb18030;
    skip = 4;
    r->notes_.push_back({"http_import_note_gb18030_bom", {}});
  } else if (enc == TextEncoding::kAuto) {
    enc = Utf8ErrorAt(head, !r->eof_) == std::string_view::npos ? TextEncoding::kUtf8
                                                                : TextEncoding::kGb18030;
    r->notes_.push_back({enc == TextEncoding::kUtf8 ? "http_import_note_utf8_detected"
                                                    : "http_import_note_gb18030_detected",
                         {}});
  } else {
    r->notes_.push_back({enc == TextEncoding::kUtf8 ? "http_import_note_utf8_given"
                                                    : "http_import_note_gb18030_given",
                         {}});
  }
  r->encoding_ = enc;
  if (enc == TextEncoding::kGb18030) {
    r->iconv_ = iconv_open("UTF-8", "GB18030");
    if (r->iconv_ == reinterpret_cast<iconv_t>(-1)) {
      return Status::Internal("iconv cannot convert GB18030 on this system");
    }
  }
  FB_RETURN_IF_ERROR(r->Decode(head.data() + skip, head.size() - skip, r->eof_));
  // The delimiter: the most frequent of , ; and tab on the first line, outside quotes.
  size_t counts[3] = {0, 0, 0};
  bool quoted = false;
  for (char c : r->text_) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\n' || c == '\r') break;
    if (c == ',') ++counts[0];
    if (c == ';') ++counts[1];
    if (c == '\t') ++counts[2];
  }
  if (counts[1] > counts[0] && counts[1] >= counts[2]) r->delimiter_ = ';';
  if (counts[2] > counts[0] && counts[2] > counts[1]) r->delimiter_ = '\t';
  if (r->delimiter_ != ',') {
    r->notes_.push_back(
        {r->delimiter_ == ';' ? "http_import_note_semicolon" : "http_import_note_tab", {}});
  }
  return r;
}

CsvReader::~CsvReader() {
  if (iconv_ != reinterpret_cast<iconv_t>(-1)) iconv_close(iconv_);
}

Status CsvReader::BadBytes(Phrase what) const {
  what.values.emplace_back("row", std::to_string(row_ + 1));
  what.values.emplace_back("column", ColumnName(column_));
  return Refuse(std::move(what));
}

Phrase CsvReader::NulByte() const {
  return {encoding_ == TextEncoding::kUtf8 ? "http_import_nul_utf8" : "http_import_nul_gb18030",
          {}};
}

Status CsvReader::Decode(const char* data, size_t size, bool last) {
  pending_.append(data, size);
  if (encoding_ != TextEncoding::kGb18030) {
    const size_t bad = Utf8ErrorAt(pending_, !last);
    if (bad != std::string_view::npos) {
      // Account for the text before the bad byte so the row number is right.
      text_.append(pending_, 0, bad);
      bad_ = {"http_import_not_utf8", {{"byte", Hex(static_cast<unsigned char>(pending_[bad]))}}};
      pending_.clear();
      eof_ = true;
      return Status::Ok();
    }
    // Keep an incomplete sequence at the end for the next chunk.
    size_t keep = 0;
    for (size_t k = 1; k <= 3 && k <= pending_.size(); ++k) {
      const unsigned char c = static_cast<unsigned char>(pending_[pending_.size() - k]);
      if ((c & 0xC0) == 0x80) continue;
      if (c >= 0xC0) {
        const size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        if (len > k) keep = k;
      }
      break;
    }
    if (last) keep = 0;
    text_.append(pending_, 0, pending_.size() - keep);
    pending_.erase(0, pending_.size() - keep);
    return Status::Ok();
  }
  char* inp = pending_.data();
  size_t inleft = pending_.size();
  std::string out(inleft * 2 + 16, '\0');
  char* outp = out.data();
  size_t outleft = out.size();
  while (inleft > 0) {
    const size_t r = iconv(iconv_, &inp, &inleft, &outp, &outleft);
    if (r != static_cast<size_t>(-1)) break;
    if (errno == E2BIG) {
      const size_t used = out.size() - outleft;
      out.resize(out.size() * 2);
      outp = out.data() + used;
      outleft = out.size() - used;
      continue;
    }
    if (errno == EINVAL && !last) break;  // a character cut by the chunk: wait for more
    text_.append(out.data(), out.size() - outleft);
    const unsigned char c = static_cast<unsigned char>(*inp);
    pending_.clear();
    bad_ = errno == EINVAL ? Phrase{"http_import_gb18030_cut", {}}
                           : Phrase{"http_import_not_gb18030", {{"byte", Hex(c)}}};
    eof_ = true;
    return Status::Ok();
  }
  text_.append(out.data(), out.size() - outleft);
  pending_.erase(0, pending_.size() - inleft);
  return Status::Ok();
}

Result<bool> CsvReader::Fill() {
  while (pos_ >= text_.size()) {
    text_.clear();
    pos_ = 0;
    if (!bad_.code.empty()) return BadBytes(bad_);
    if (eof_) {
      if (!pending_.empty()) FB_RETURN_IF_ERROR(Decode("", 0, true));
      return pos_ < text_.size();
    }
    char buf[kChunk];
    in_->read(buf, sizeof buf);
    const size_t got = static_cast<size_t>(in_->gcount());
    if (in_->bad()) return RefusalStatus(StatusCode::kIo, {"http_import_cannot_read", {}});
    consumed_ += got;
    eof_ = got < sizeof buf;
    FB_RETURN_IF_ERROR(Decode(buf, got, eof_));
  }
  return true;
}

Result<bool> CsvReader::Next(SheetRow& row) {
  row.Clear();
  column_ = 0;
  std::string cell;
  bool in_quotes = false;
  bool any = false;  // anything read for this record
  // The English as before ("1 MiB"); the code's values give the bytes.
  auto too_big = [&]() {
    return Status(StatusCode::kInvalidArgument,
                  "row " + std::to_string(row_ + 1) + ", column " + ColumnName(column_) +
                      ": a value longer than " + Mib(options_.max_cell_bytes) +
                      (in_quotes ? " (a quote that is never closed?)" : "") +
                      "; nothing was imported from it",
                  {in_quotes ? "http_import_quote_too_long" : "http_import_cell_too_long",
                   {{"row", std::to_string(row_ + 1)},
                    {"column", ColumnName(column_)},
                    {"max", std::to_string(options_.max_cell_bytes)}}});
  };
  auto end_cell = [&]() -> Status {
    if (row.cells.size() >= options_.max_columns) {
      return Refuse(
          {"http_import_too_many_columns",
           {{"row", std::to_string(row_ + 1)}, {"max", std::to_string(options_.max_columns)}}});
    }
    row.cells.push_back(std::move(cell));
    cell.clear();
    ++column_;
    return Status::Ok();
  };
  while (true) {
    FB_ASSIGN_OR_RETURN(bool more, Fill());
    if (!more) {
      if (in_quotes) {
        return Refuse({"http_import_quote_not_closed",
                       {{"row", std::to_string(row_ + 1)}, {"column", ColumnName(column_)}}});
      }
      if (!any) return false;
      FB_RETURN_IF_ERROR(end_cell());
      row.number = ++row_;
      return true;
    }
    // Take a run of ordinary bytes at once.
    const char* p = text_.data() + pos_;
    const char* end = text_.data() + text_.size();
    if (in_quotes) {
      const char* q = static_cast<const char*>(std::memchr(p, '"', static_cast<size_t>(end - p)));
      const char* stop = q ? q : end;
      if (std::memchr(p, '\0', static_cast<size_t>(stop - p)) != nullptr) {
        return BadBytes(NulByte());
      }
      cell.append(p, stop);
      pos_ += static_cast<size_t>(stop - p);
      any = true;
      if (cell.size() > options_.max_cell_bytes) return too_big();
      if (!q) continue;
      ++pos_;  // the quote
      FB_ASSIGN_OR_RETURN(bool has_next, Fill());
      if (has_next && text_[pos_] == '"') {
        cell += '"';
        ++pos_;
      } else {
        in_quotes = false;
      }
      continue;
    }
    const char* s = p;
    while (s < end && *s != delimiter_ && *s != '\n' && *s != '\r' && *s != '"' && *s != '\0') {
      ++s;
    }
    if (s > p) {
      cell.append(p, s);
      pos_ += static_cast<size_t>(s - p);
      any = true;
      if (cell.size() > options_.max_cell_bytes) return too_big();
      continue;
    }
    const char c = *p;
    ++pos_;
    any = true;
    if (c == delimiter_) {
      FB_RETURN_IF_ERROR(end_cell());
    } else if (c == '\n' || c == '\r') {
      if (c == '\r') {
        FB_ASSIGN_OR_RETURN(bool has_next, Fill());
        if (has_next && text_[pos_] == '\n') ++pos_;
      }
      FB_RETURN_IF_ERROR(end_cell());
      row.number = ++row_;
      return true;
    } else if (c == '"' && cell.empty()) {
      in_quotes = true;
    } else if (c == '\0') {
      return BadBytes(NulByte());
    } else {
      cell += c;
      if (cell.size() > options_.max_cell_bytes) return too_big();
    }
  }
}

}  // namespace fieldbook::server
