"""ips.exports (CSV and XLSX answers) and the findings export: the files parse back with exactly the
rows the user may see and asked for, marked FOUO, and safe to open in a spreadsheet."""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.http import Http404
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ips import exports
from tests.exports.conftest import INJECTION, read_csv, read_xlsx, sheet_rows
from tests.factories import UserFactory

EXPORT = "/assessments/findings/export.{}"
ROWS = [
    ["Côte d’Ivoire", dt.date(2026, 11, 23), 3, True, None, "=1+1"],
    ["+33 1 23", dt.date(2027, 1, 2), 4.5, False, "@SUM(A1)", "-2+3"],
]
COLUMNS = [exports.Column("Country", 30), "Date", "Count", "Flag", "Note", "Formula"]


# --- the module ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@A1", "'@A1"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("plain", "plain"), ("a=b", "a=b"), ("", ""),
])
def test_neutralise(text, expected):
    assert exports.neutralise(text) == expected


def test_filename_is_dated_and_carries_the_marking():
    day = dt.date(2026, 11, 23)
    assert exports.filename("country-status", "xlsx", on=day) == "ips-country-status-2026-11-23.xlsx"
    assert exports.filename("findings", "csv", marking=exports.FOUO, on=day) == "ips-findings-2026-11-23-FOUO.csv"


def test_unknown_format_is_a_404():
    with pytest.raises(Http404):
        exports.check_format("pdf")
    with pytest.raises(Http404):
        exports.export_response("html", stem="x", columns=["A"], rows=[])


def test_csv_is_streamed_utf8_with_bom_header_first_and_injection_neutralised():
    response = exports.export_response("csv", stem="test", columns=COLUMNS, rows=iter(ROWS))
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="ips-test-{timezone.localdate().isoformat()}.csv"'
    )
    assert response["Cache-Control"] == "private, no-store"
    assert "X-Handling-Marking" not in response
    assert read_csv(response) == [
        ["Country", "Date", "Count", "Flag", "Note", "Formula"],
        ["Côte d’Ivoire", "2026-11-23", "3", "Yes", "", "'=1+1"],
        ["'+33 1 23", "2027-01-02", "4.5", "No", "'@SUM(A1)", "'-2+3"],
    ]


def test_csv_with_marking_keeps_the_header_first():
    response = exports.export_response("csv", stem="findings", columns=COLUMNS, rows=ROWS, marking=exports.FOUO)
    assert response["X-Handling-Marking"] == "FOR OFFICIAL USE ONLY"
    assert response["Content-Disposition"].endswith('-FOUO.csv"')
    assert read_csv(response)[0] == ["Country", "Date", "Count", "Flag", "Note", "Formula"]


def test_csv_streams_many_rows_in_chunks():
    rows = ([str(i), i] for i in range(1000))
    response = exports.export_response("csv", stem="many", columns=["Text", "Number"], rows=rows)
    chunks = list(response.streaming_content)
    assert len(chunks) > 1
    body = b"".join(chunks).decode("utf-8-sig").splitlines()
    assert len(body) == 1001 and body[-1] == "999,999"


def test_xlsx_has_a_bold_frozen_header_widths_real_dates_and_no_formulas():
    response = exports.export_response("xlsx", stem="test", columns=COLUMNS, rows=ROWS, title="Test sheet")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == (
        f'attachment; filename="ips-test-{timezone.localdate().isoformat()}.xlsx"'
    )
    sheet = read_xlsx(response)
    assert sheet.title == "Test sheet"
    assert sheet_rows(sheet)[0] == ["Country", "Date", "Count", "Flag", "Note", "Formula"]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:F3"
    assert sheet.column_dimensions["A"].width == 30
    assert sheet.column_dimensions["B"].width == exports.MIN_WIDTH
    date_cell = sheet["B2"]
    assert date_cell.is_date and date_cell.value == dt.datetime(2026, 11, 23)
    assert date_cell.number_format == "yyyy-mm-dd"
    assert sheet["C2"].value == 3 and sheet["C3"].value == 4.5
    assert (sheet["D2"].value, sheet["E2"].value) == ("Yes", None)
    for ref in ("F2", "E3", "F3", "A3"):
        cell = sheet[ref]
        assert cell.data_type == "s", ref  # text, never a formula
        assert cell.quotePrefix, ref
    assert sheet["F2"].value == "=1+1"  # the original text for programs that read the file
    assert not sheet["A2"].quotePrefix
    assert "FOR OFFICIAL USE ONLY" not in (sheet.oddHeader.center.text or "")


def test_xlsx_marking_in_header_footer_properties_and_sheet_name():
    response = exports.export_response(
        "xlsx", stem="findings", columns=COLUMNS, rows=ROWS, title="Findings", marking=exports.FOUO
    )
    assert response["X-Handling-Marking"] == "FOR OFFICIAL USE ONLY"
    assert response["Content-Disposition"].endswith('-FOUO.xlsx"')
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.worksheets[0]
    assert sheet.title == "Findings (FOUO)"
    assert sheet.oddHeader.center.text == "FOR OFFICIAL USE ONLY"
    assert sheet.oddFooter.center.text == "FOR OFFICIAL USE ONLY"
    assert book.properties.category == "FOR OFFICIAL USE ONLY"
    assert sheet_rows(sheet)[0][0] == "Country"  # the header row stays first


def test_xlsx_takes_aware_datetimes_in_local_time_and_strips_illegal_characters():
    moment = timezone.make_aware(dt.datetime(2026, 11, 23, 14, 30))
    response = exports.export_response("xlsx", stem="t", columns=["When", "Text"], rows=[[moment, "a\x01b"]])
    sheet = read_xlsx(response)
    assert sheet["A2"].value == dt.datetime(2026, 11, 23, 14, 30)
    assert sheet["B2"].value == "ab"


# --- the findings export -------------------------------------------------------------------------


def _export(client, fmt, params=None):
    return client.get(EXPORT.format(fmt), params or {})


def _titles_csv(response) -> list[str]:
    rows = read_csv(response)
    title = rows[0].index("Title")
    return [row[title] for row in rows[1:]]


def _titles_xlsx(response) -> list[str]:
    rows = sheet_rows(read_xlsx(response))
    title = rows[0].index("Title")
    return [row[title] for row in rows[1:]]


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("role, expected", [
    ("lant51", ["No cargo supervision", "Gate unattended", INJECTION]),
    ("psa1", ["No cargo supervision", "Gate unattended", INJECTION]),
    ("ipslo", ["Gate unattended", INJECTION]),
    ("other_ipslo", ["No cargo supervision"]),
])
def test_findings_export_holds_exactly_the_findings_the_user_may_see(client, users, findings, fmt, role, expected):
    client.force_login(users[role])
    response = _export(client, fmt)
    assert response.status_code == 200
    titles = _titles_csv(response) if fmt == "csv" else _titles_xlsx(response)
    assert [t.removeprefix("'") for t in titles] == expected


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("role", ["viewer", "norole"])
def test_a_viewer_may_not_export_findings(client, users, findings, fmt, role):
    client.force_login(users[role])
    assert _export(client, fmt).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_anonymous_is_sent_to_login(client, findings, fmt):
    response = _export(client, fmt)
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["pdf", "json", "CSV", "xls"])
def test_unknown_export_format_is_a_404(client, users, findings, fmt):
    client.force_login(users["lant51"])
    assert _export(client, fmt).status_code == 404


@pytest.mark.django_db
def test_a_superuser_may_export_findings(client, findings):
    client.force_login(UserFactory(username="admin", is_superuser=True))
    assert len(_titles_csv(_export(client, "csv"))) == 3


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("params, expected", [
    ({"status": "unresolved"}, ["No cargo supervision", "Gate unattended"]),
    ({"section": "none"}, [INJECTION]),
    ({"node": "ACTEUR", "sort": "severity"}, ["Gate unattended", INJECTION]),
    ({"severity": "catastrophic", "node": "FEACT"}, ["No cargo supervision"]),  # the bad filter is ignored
    ({"year": "abc", "sort": "nonsense", "page": "7"}, ["No cargo supervision", "Gate unattended", INJECTION]),
])
def test_findings_export_holds_the_filtered_rows_in_the_page_order(client, users, findings, fmt, params, expected):
    client.force_login(users["lant51"])
    response = _export(client, fmt, params)
    assert response.status_code == 200
    titles = _titles_csv(response) if fmt == "csv" else _titles_xlsx(response)
    assert [t.removeprefix("'") for t in titles] == expected


@pytest.mark.django_db
def test_excel_past_the_row_limit_goes_back_to_the_list_with_a_message(client, users, findings, settings):
    settings.IPS_EXPORT_EXCEL_MAX_ROWS = 2
    client.force_login(users["lant51"])
    response = _export(client, "xlsx", {"status": "", "sort": "severity"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('assessments:finding_list')}?status=&sort=severity"
    page = client.get(response["Location"]).content.decode()
    assert "These filters select 3 findings; an Excel download holds at most 2." in page
    # Within the limit Excel answers (ACTEUR holds two findings); CSV has no limit.
    assert _export(client, "xlsx", {"node": "ACTEUR"}).status_code == 200
    assert len(_titles_csv(_export(client, "csv", {}))) == 3


@pytest.mark.django_db
def test_an_ipslo_cannot_widen_the_export_with_filters(client, users, findings):
    client.force_login(users["ipslo"])
    assert _titles_csv(_export(client, "csv", {"node": "FEACT"})) == []
    assert _titles_csv(_export(client, "csv", {"country": "Borduria"})) == []


@pytest.mark.django_db
def test_findings_csv_row_content_marking_and_injection(client, users, findings):
    client.force_login(users["ipslo"])
    response = _export(client, "csv")
    assert response["X-Handling-Marking"] == "FOR OFFICIAL USE ONLY"
    assert response["Content-Disposition"] == (
        f'attachment; filename="ips-findings-{timezone.localdate().isoformat()}-FOUO.csv"'
    )
    header, first, second = read_csv(response)
    row = dict(zip(header, first, strict=True))
    case = findings["case_a"]
    assert row["Country"] == "Atlantis" and row["ISO alpha-3"] == "XAX" and row["Node"] == "ACTEUR"
    assert row["Case state"] == "Planned"
    assert row["Visit first day"] == "2027-03-01" and row["Visit last day"] == "2027-03-05"
    assert row["Finding"] == "1"
    assert row["Checklist section"] == "2 Access control" and row["Checklist question"] == "2.a"
    assert row["Reference"] == "SOLAS XI-2/9"
    assert (row["Severity"], row["Status"]) == ("Deficiency", "Open")
    assert row["Facility"] == "Container Terminal North" and row["Port"] == "Port Atlantis"
    assert row["Link"] == f"http://testserver/assessments/{case.pk}/findings/#finding-{findings['a1'].pk}"
    injected = dict(zip(header, second, strict=True))
    assert injected["Title"] == "'" + INJECTION
    assert injected["Facility"] == "Country-level" and injected["Checklist section"] == ""


@pytest.mark.django_db
def test_findings_xlsx_marking_dates_and_injection(client, users, findings):
    client.force_login(users["ipslo"])
    response = _export(client, "xlsx")
    assert response["Content-Disposition"].endswith('-FOUO.xlsx"')
    sheet = read_xlsx(response)
    assert sheet.title == "Findings (FOUO)"
    assert sheet.oddHeader.center.text == "FOR OFFICIAL USE ONLY"
    rows = sheet_rows(sheet)
    header = rows[0]
    first = dict(zip(header, rows[1], strict=True))
    assert first["Visit first day"] == dt.datetime(2027, 3, 1)
    assert isinstance(first["Recorded"], dt.datetime)
    title = sheet.cell(row=3, column=header.index("Title") + 1)
    assert title.value == INJECTION and title.data_type == "s" and title.quotePrefix
