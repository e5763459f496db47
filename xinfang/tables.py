"""Reading a spreadsheet someone else made: an .xlsx workbook (openpyxl, read-only, so a sheet of 100,000 rows is
streamed, never held) or a .csv file (UTF-8 with or without a BOM, or GB18030 as Chinese Excel saves it; comma, tab
or semicolon). The first non-empty row is the header. Everything here is generic: what the columns mean is the
caller's (workflow/ledger.py for the 台账 import).

A file that is not a spreadsheet, is damaged, or is too large is refused with ``TableUnreadable`` and a Chinese
message, never a traceback."""

import codecs
import csv
import zipfile
from collections.abc import Iterator

from django.utils.translation import gettext as _

XLSX, CSV = "xlsx", "csv"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls (and .doc): openpyxl cannot read it


class TableUnreadable(Exception):
    """The file cannot be read as a table; ``message`` says why, in Chinese."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


def table_kind(head: bytes, name: str) -> str:
    """XLSX or CSV from the file's first bytes (its name only breaks the tie for text); refuses anything else."""
    if head.startswith(_ZIP_MAGIC):
        return XLSX
    if head.startswith(_OLE_MAGIC):
        raise TableUnreadable(_("这是旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 后再上传。"))
    if b"\x00" in head or not name.lower().endswith((".csv", ".txt")):
        raise TableUnreadable(_("请上传 Excel（.xlsx）或 CSV 文件。"))
    return CSV


class Table:
    """The header and the rows of a file's first sheet. ``rows()`` yields (row number as the user sees it in
    Excel, the values in header order); values are str, int, float, datetime or None."""

    def __init__(self, file, name: str):
        self.file = file
        self.name = name
        file.seek(0)
        self.kind = table_kind(file.read(8), name)
        file.seek(0)
        self._header_row = 0
        self.headers: list[str] = []
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
            self._book = load_workbook(self.file, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise TableUnreadable(_("无法读取该 Excel 文件，文件可能已损坏或不是 .xlsx 格式。")) from exc
        if not self._book.worksheets:
            raise TableUnreadable(_("该 Excel 文件没有工作表。"))
        self._sheet = self._book.worksheets[0]
        for number, values in self._xlsx_rows():
            if any(_present(v) for v in values):
                self._header_row = number
                self.headers = _headers(values)
                break
        if not self.headers:
            raise TableUnreadable(_("文件的第一个工作表是空的。"))
        self.estimate = max(0, (self._sheet.max_row or 0) - self._header_row)

    def _xlsx_rows(self) -> Iterator[tuple[int, list]]:
        try:
            for number, row in enumerate(self._sheet.iter_rows(values_only=True), start=1):
                yield number, list(row)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise TableUnreadable(_("Excel 文件读到一半出错，文件可能已损坏。")) from exc

    # .csv -------------------------------------------------------------------------------------------------

    def _open_csv(self) -> None:
        raw = self.file.read(64 * 1024)
        self.encoding = _encoding(raw)
        sample = raw.decode(self.encoding, errors="ignore")
        try:
            self.dialect = csv.Sniffer().sniff(sample.split("\n", 20)[0] if sample else ",", delimiters=",\t;")
        except csv.Error:
            self.dialect = csv.excel
        for number, values in self._csv_rows():
            if any(_present(v) for v in values):
                self._header_row = number
                self.headers = _headers(values)
                break
        if not self.headers:
            raise TableUnreadable(_("文件是空的。"))
        self.file.seek(0)
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: self.file.read(1 << 20), b""))
        self.estimate = max(0, lines - self._header_row)

    def _csv_rows(self) -> Iterator[tuple[int, list]]:
        self.file.seek(0)
        text = codecs.getreader(self.encoding)(self.file, errors="strict")
        try:
            for number, row in enumerate(csv.reader(text, self.dialect), start=1):
                yield number, [v if v != "" else None for v in row]
        except UnicodeDecodeError as exc:
            raise TableUnreadable(_("CSV 文件中有无法识别的字符，请以 UTF-8 或 GBK 编码保存。")) from exc
        except csv.Error as exc:
            raise TableUnreadable(_("CSV 文件格式有误：%(error)s") % {"error": exc}) from exc

    # both -------------------------------------------------------------------------------------------------

    def rows(self) -> Iterator[tuple[int, list]]:
        """The data rows below the header, blank rows skipped, each padded or cut to the header's width."""
        width = len(self.headers)
        source = self._xlsx_rows() if self.kind == XLSX else self._csv_rows()
        for number, values in source:
            if number <= self._header_row or not any(_present(v) for v in values):
                continue
            yield number, (values + [None] * width)[:width]

    def close(self) -> None:
        if self.kind == XLSX:
            self._book.close()


def _present(value) -> bool:
    return value is not None and str(value).strip() != ""


def _headers(values) -> list[str]:
    """The header row as text; a blank header cell is named after its column (列3), so every column has a name."""
    return [str(v).strip() if _present(v) else _("列%(n)s") % {"n": i} for i, v in enumerate(values, start=1)]


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

