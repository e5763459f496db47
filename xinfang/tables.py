"""Reading a spreadsheet someone else made: an .xlsx workbook (openpyxl, read-only, so a sheet of 100,000 rows is
streamed, never held) or a .csv file (UTF-8 with or without a BOM, or GB18030 as Chinese Excel saves it; comma, tab
or semicolon). The first non-empty row is the header. Everything here is generic: what the columns mean is the
caller's (workflow/ledger.py for the 台账 import).

A file that is not a spreadsheet, is damaged, or is too large is refused with ``TableUnreadable`` and a Chinese
message, never a traceback."""

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from itertools import islice

from django.utils.translation import gettext as _

XLSX, CSV = "xlsx", "csv"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls (and .doc): openpyxl cannot read it


class TableUnreadable(Exception):
    """The file cannot be read as a table; ``message`` says why, in Chinese."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # never in a ledger's text; PostgreSQL refuses NUL
_MAX_UNCOMPRESSED = 1024 ** 3  # a workbook that unpacks to more than this is refused (a zip bomb)


def table_kind(head: bytes, name: str) -> str:
    """XLSX or CSV from the file's first bytes (its name only breaks the tie for text); refuses anything else, such
    as an image or a PDF named .csv (its sample is not text)."""
    if head.startswith(_ZIP_MAGIC):
        return XLSX
    if head.startswith(_OLE_MAGIC):
        raise TableUnreadable(_("这是旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 后再上传。"))
    if not name.lower().endswith((".csv", ".txt")) or _binary(_decoded(head)):
        raise TableUnreadable(_("请上传 Excel（.xlsx）或 CSV 文件。"))
    return CSV


def _binary(text: str) -> bool:
    """Not text: a NUL, or more control characters than a stray one in a cell (rows() drops those)."""
    return "\x00" in text or len(_CONTROL.findall(text)) > max(2, len(text) // 100)


def _decoded(raw: bytes) -> str:
    """A CSV sample as text, or "\x00" when it is no text in either encoding (a character cut at the end is fine)."""
    encoding = _encoding(raw)
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        if exc.start >= len(raw) - 3:
            return raw[:exc.start].decode(encoding, errors="replace")
        return "\x00"


class Table:
    """The header and the rows of a file's first sheet. ``rows()`` yields (row number as the user sees it in
    Excel, the values in header order); values are str, int, float, datetime or None."""

    def __init__(self, file, name: str):
        self.file = file
        self.name = name
        file.seek(0)
        self.kind = table_kind(file.read(64 * 1024), name)
        file.seek(0)
        self._header_row = 0
        self.headers: list[str] = []
        self._merged: list[tuple[int, int, int, int]] = []  # (first row, first col, last row, last col), 1-based
        self.estimate = 0  # the number of data rows, as far as the file says up front
        if self.kind == XLSX:
            self._open_xlsx()
        else:
            self._open_csv()

    # .xlsx ------------------------------------------------------------------------------------------------

    def _open_xlsx(self) -> None:
        # Imported here: only a spreadsheet upload needs openpyxl loaded.
        from openpyxl import load_workbook

        try:
            with zipfile.ZipFile(self.file) as archive:
                if sum(i.file_size for i in archive.infolist()) > _MAX_UNCOMPRESSED:
                    raise TableUnreadable(_("该 Excel 文件解压后过大，请检查文件。"))
            self.file.seek(0)
            self._book = load_workbook(self.file, read_only=True, data_only=True)
            if not self._book.worksheets:
                raise TableUnreadable(_("该 Excel 文件没有工作表。"))
            self._sheet = self._book.worksheets[0]
            self._merged = _merged_ranges(self._book._archive, self._sheet._worksheet_path)
        except TableUnreadable:
            raise
        except Exception as exc:  # openpyxl raises whatever its parser met: zip, XML, type, compression errors
            raise TableUnreadable(_("无法读取该 Excel 文件，文件可能已损坏或不是 .xlsx 格式。")) from exc
        self._find_header(self._xlsx_rows())
        self.estimate = max(0, (self._sheet.max_row or 0) - self._header_row)

    def _xlsx_rows(self) -> Iterator[tuple[int, list]]:
        try:
            for number, row in enumerate(self._sheet.iter_rows(values_only=True), start=1):
                yield number, list(row)
        except Exception as exc:  # as above: damage further down the sheet
            raise TableUnreadable(_("Excel 文件读到一半出错，文件可能已损坏。")) from exc

    # .csv -------------------------------------------------------------------------------------------------

    def _open_csv(self) -> None:
        raw = self.file.read(64 * 1024)
        self.encoding = _encoding(raw)
        sample = raw.decode(self.encoding, errors="ignore")
        try:
            delimiter = csv.Sniffer().sniff(sample.split("\n", 1)[0] or ",", delimiters=",\t;").delimiter
        except csv.Error:
            delimiter = ","
        # Excel's own rules (quotes doubled inside quoted cells), with the delimiter the header uses.
        self.dialect = type("LedgerDialect", (csv.excel,), {"delimiter": delimiter})
        self._find_header(self._csv_rows())
        self.file.seek(0)
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: self.file.read(1 << 20), b""))
        self.estimate = max(0, lines - self._header_row)

    def _csv_rows(self) -> Iterator[tuple[int, list]]:
        self.file.seek(0)
        # newline="": only \r and \n end a line (csv's own rule), never a vertical tab inside a cell.
        text = io.TextIOWrapper(self.file, encoding=self.encoding, errors="strict", newline="")
        try:
            for number, row in enumerate(csv.reader(text, self.dialect), start=1):
                yield number, [v if v != "" else None for v in row]
        except UnicodeDecodeError as exc:
            raise TableUnreadable(_("CSV 文件中有无法识别的字符，请以 UTF-8 或 GBK 编码保存。")) from exc
        except csv.Error as exc:
            raise TableUnreadable(_("CSV 文件格式有误：%(error)s") % {"error": exc}) from exc
        finally:
            text.detach()  # the file stays open for the next pass

    # both -------------------------------------------------------------------------------------------------

    def _find_header(self, source) -> None:
        """The header is the first row with two or more cells filled (a title merged across the top is not it),
        else the first row with anything in it."""
        first = None
        for number, values in islice(source, 50):
            filled = sum(1 for v in values if _present(v))
            if filled and first is None:
                first = (number, values)
            if filled >= 2:
                first = (number, values)
                break
        if first is None:
            raise TableUnreadable(_("文件的第一个工作表是空的。") if self.kind == XLSX else _("文件是空的。"))
        self._header_row, self.headers = first[0], _headers(first[1])

    def rows(self) -> Iterator[tuple[int, list]]:
        """The data rows below the header, blank rows skipped, each padded or cut to the header's width; a cell
        inside a merged range holds the range's value (offices merge 责任单位 over a unit's rows); text is without
        control characters."""
        width = len(self.headers)
        source = self._xlsx_rows() if self.kind == XLSX else self._csv_rows()
        merged = [m for m in self._merged if m[2] > self._header_row and m[0] != m[2]]
        tops: dict[tuple[int, int], object] = {}
        for number, values in source:
            if number <= self._header_row:
                continue
            values = [_CONTROL.sub("", v) if isinstance(v, str) else v for v in (values + [None] * width)[:width]]
            for first_row, first_col, last_row, last_col in merged:
                if first_row == number and first_col <= width:
                    tops[(first_row, first_col)] = values[first_col - 1]
                elif first_row < number <= last_row:
                    for col in range(first_col, min(last_col, width) + 1):
                        values[col - 1] = tops.get((first_row, first_col))
            if not any(_present(v) for v in values):
                continue
            yield number, values

    def close(self) -> None:
        if self.kind == XLSX:
            self._book.close()


def _present(value) -> bool:
    return value is not None and str(value).strip() != ""


def _headers(values) -> list[str]:
    """The header row as text, each name once: a blank header cell is named after its column (列3), a repeated
    one gets its count (日期(2)), so every column can be chosen by its name."""
    names, seen = [], {}
    for i, v in enumerate(values, start=1):
        name = _CONTROL.sub("", str(v)).strip() if _present(v) else _("列%(n)s") % {"n": i}
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name}({seen[name]})")
    return names


def _merged_ranges(archive: zipfile.ZipFile, path: str) -> list[tuple[int, int, int, int]]:
    """The sheet's merged ranges, from its XML (read-only mode does not read them): streamed, a few MB a second."""
    # Imported here, like openpyxl: only a spreadsheet upload needs them.
    from openpyxl.utils.cell import range_boundaries

    ranges = []
    tail = b""
    with archive.open(path.lstrip("/")) as sheet:
        for chunk in iter(lambda: sheet.read(1 << 20), b""):
            text = tail + chunk
            for ref in re.findall(rb'<mergeCell ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"', text):
                min_col, min_row, max_col, max_row = range_boundaries(ref.decode())
                ranges.append((min_row, min_col, max_row, max_col))
            tail = text[-200:]
            if len(ranges) > 100_000:
                break
    return sorted(set(ranges))


def _encoding(raw: bytes) -> str:
    if raw.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A cut in the middle of a character at the end of the sample is still UTF-8.
        if exc.start < len(raw) - 3:
            return "gb18030"
    return "utf-8"

