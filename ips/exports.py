"""Tabular exports: one header row and rows of values, answered as CSV or as an Excel workbook (XLSX).

A view checks the permission, narrows the rows exactly as its page does (``permissions.restrict``),
and hands this module a file name stem, the columns and an iterable of rows::

    return exports.export_response(
        fmt, stem="country-status", columns=COLUMNS, rows=rows, title="Country status"
    )

The module knows nothing of the models. Values may be ``str``, numbers, ``bool`` (written "Yes"/"No"),
``date``/``datetime`` (real dates in Excel, ISO 8601 in CSV; aware datetimes in local time) or ``None``
(an empty cell). An unknown format is a 404.

**Handling marking.** Case material (findings) is FOR OFFICIAL USE ONLY, and the marking must travel
with the file without spoiling it for the programs that read it (the country status is not marked: it
is what Viewers and REST clients read anyway). A view passes ``marking=exports.FOUO``; then:

- In both formats the first row is the column header, always: a marking row above it would break
  every script that reads the file, and a marking column would be noise in every row.
- The file name carries the marking (``ips-findings-2026-11-23-FOUO.csv``): it is what the recipient
  sees in a download list, a folder or an e-mail attachment, whichever program opens it. The response
  also says it in an ``X-Handling-Marking`` header for proxies and download logs.
- The workbook also prints the marking in the header and footer of every page, names the sheet
  "... (FOUO)" (the tab is visible on screen) and sets the document's category and subject to it
  (File > Info). The header row is bold, frozen, filterable and repeated on every printed page.

**Formula injection.** Text beginning with ``= + - @``, a tab or a carriage return can be run as a
formula by a spreadsheet (OWASP "CSV injection"). In CSV such a cell gets a leading apostrophe, the
OWASP advice: a reader sees the apostrophe, which is the price of a file that opens safely in any
spreadsheet. In XLSX the text is written as a string cell flagged "quote prefix", exactly what Excel
stores when a user types the apostrophe: shown as typed, never evaluated, and the value read back by
a program is the original text.

**Excel row limit.** A workbook is built whole before it is sent, so a view checks
:func:`excel_rows_over_limit` first and, past ``IPS_EXPORT_EXCEL_MAX_ROWS`` rows, sends the user back
to the list with a message pointing to CSV.

CSV is streamed (``StreamingHttpResponse``), so a large export starts at once and is never held in
memory; it opens with a UTF-8 byte order mark so that Excel reads accents correctly. XLSX is built
with openpyxl's write-only workbook (rows are written as they come) into a spooled temporary file;
openpyxl is the slower of the two (some tens of thousands of cells a second), so CSV is the choice
for the very largest sets.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

CSV = "csv"
XLSX = "xlsx"
FORMATS = (CSV, XLSX)
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

FOUO = "FOR OFFICIAL USE ONLY"
FOUO_SUFFIX = "FOUO"
FILE_PREFIX = "ips"

# The first characters that make a spreadsheet treat text as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

MIN_WIDTH, MAX_WIDTH = 10, 60
CSV_ROWS_PER_CHUNK = 200
SPOOL_BYTES = 8 * 1024 * 1024
SHEET_TITLE_MAX = 31  # Excel's limit
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Column:
    """A column of an export: its header label and, optionally, its Excel width in characters."""

    label: str
    width: int | None = None

    @property
    def excel_width(self) -> int:
        """The given width, else one that fits the label (within bounds)."""
        if self.width:
            return self.width
        return max(MIN_WIDTH, min(len(self.label) + 4, MAX_WIDTH))


def check_format(fmt: str) -> str:
    """``fmt`` if it is a known format, else a 404 (ask before doing any work)."""
    if fmt not in FORMATS:
        raise Http404(f"Unknown export format {fmt!r}: use one of {', '.join(FORMATS)}.")
    return fmt


def excel_rows_over_limit(fmt: str, rows: QuerySet) -> int | None:
    """How many rows ``rows`` holds when an Excel export of them would pass the row limit, else None.

    openpyxl writes some tens of thousands of cells a second, so a workbook of 50,000 findings would
    keep a web worker busy for most of a minute; past ``IPS_EXPORT_EXCEL_MAX_ROWS`` the view says so
    and offers CSV, which streams any number of rows.
    """
    if fmt != XLSX:
        return None
    count = rows.count()
    return count if count > settings.IPS_EXPORT_EXCEL_MAX_ROWS else None


def filename(stem: str, fmt: str, *, marking: str = "", on: dt.date | None = None) -> str:
    """``ips-<stem>-<YYYY-MM-DD>[-FOUO].<fmt>``, dated today (local time) unless ``on`` is given."""
    day = (on or timezone.localdate()).isoformat()
    suffix = f"-{FOUO_SUFFIX}" if marking else ""
    return f"{FILE_PREFIX}-{stem}-{day}{suffix}.{fmt}"


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def neutralise(text: str) -> str:
    """``text`` with a leading apostrophe if a spreadsheet could take it for a formula (CSV cells)."""
    return f"'{text}" if is_formula_like(text) else text


def export_response(
    fmt: str,
    *,
    stem: str,
    columns: Sequence[Column | str],
    rows: Iterable[Sequence[Any]],
    title: str = "",
    marking: str = "",
) -> HttpResponseBase:
    """The export of ``rows`` under ``columns`` as a ``fmt`` attachment (404 for an unknown format).

    ``marking`` (e.g. :data:`FOUO`) marks the file as described in the module docstring; ``title``
    names the workbook sheet and document (default: the stem).
    """
    check_format(fmt)
    cols = [c if isinstance(c, Column) else Column(str(c)) for c in columns]
    name = filename(stem, fmt, marking=marking)
    if fmt == CSV:
        response = StreamingHttpResponse(_csv_chunks(cols, rows), content_type=CONTENT_TYPES[CSV])
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    else:
        handle = _workbook(cols, rows, title=title or stem.replace("-", " ").capitalize(), marking=marking)
        response = FileResponse(handle, content_type=CONTENT_TYPES[XLSX], as_attachment=True, filename=name)
    # As every private download of the project: never cached, never sniffed or run as a page.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if marking:
        response["X-Handling-Marking"] = marking
    return response


# --- CSV -------------------------------------------------------------------------------------------


class _Echo:
    """A file-like object whose ``write`` answers the line, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return str(value)
    return neutralise(str(value))


def _csv_chunks(columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # The byte order mark makes Excel read the file as UTF-8; other readers skip it.
    chunk = ["\ufeff", writer.writerow([neutralise(c.label) for c in columns])]
    for row in rows:
        chunk.append(writer.writerow([_csv_value(value) for value in row]))
        if len(chunk) >= CSV_ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


# --- XLSX ------------------------------------------------------------------------------------------


def _sheet_title(title: str, marking: str) -> str:
    suffix = f" ({FOUO_SUFFIX})" if marking else ""
    base = _SHEET_TITLE_FORBIDDEN.sub(" ", title).strip() or "Export"
    return base[: SHEET_TITLE_MAX - len(suffix)].rstrip() + suffix


def _xlsx_cell(ws, value: Any):
    """A value as Excel should hold it: dates as dates, text never as a formula."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        # Excel has no time zones: local time. openpyxl formats it "yyyy-mm-dd h:mm:ss".
        return timezone.make_naive(value) if timezone.is_aware(value) else value
    if isinstance(value, dt.date | int | float | Decimal):
        return value  # a date gets openpyxl's "yyyy-mm-dd" number format: a real date in Excel
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))  # control characters XML cannot hold
    if is_formula_like(text) or text in ERROR_CODES:
        cell = WriteOnlyCell(ws, value=text)
        cell.data_type = "s"  # openpyxl takes "=..." for a formula and "#N/A" for an error: keep the text
        cell.quotePrefix = is_formula_like(text)
        return cell
    return text


def _workbook(columns: Sequence[Column], rows: Iterable[Sequence[Any]], *, title: str, marking: str):
    wb = Workbook(write_only=True)
    wb.properties.title = title
    wb.properties.creator = "IPS Case Manager"
    if marking:
        wb.properties.category = marking
        wb.properties.subject = f"{title}: {marking}"
    ws = wb.create_sheet(_sheet_title(title, marking))
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.excel_width
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if marking:
        for part in (ws.oddHeader, ws.oddFooter):
            part.center.text = marking
            part.center.font = "-,Bold"
    ws.oddFooter.right.text = "Page &P of &N"

    bold, wrap = Font(bold=True), Alignment(vertical="top", wrap_text=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=column.label)
        cell.font, cell.alignment = bold, wrap
        header.append(cell)
    ws.append(header)
    count = 0
    for row in rows:
        ws.append([_xlsx_cell(ws, value) for value in row])
        count += 1
    if columns:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"

    # FileResponse reads and closes the file once the download is sent.
    handle = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    wb.save(handle)
    handle.seek(0)
    return handle
