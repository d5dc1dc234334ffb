"""A file over the upload limit is refused in the page as soon as it is chosen, before the browser sends it."""

from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.factories import PortFacilityFactory, PortFactory
from tests.upload_samples import simple_pdf


def test_an_oversized_file_is_refused_when_chosen_and_a_fitting_one_is_kept(page, live_server, browser_log, users,
                                                                           country, settings):
    settings.IPS_UPLOAD_MAX_MB = 1
    PortFacilityFactory(port=PortFactory(country=country, name="Port Atlantis", locode="XAPOS"), name="Oil Jetty")
    login(page, live_server, users["lant51"].username)
    page.goto(live_server.url + reverse("advisories:request_new"))
    plan = page.locator("#id_plan")  # the USWDS file input names it "Drag file here or choose from folder"

    plan.set_input_files({"name": "plan.pdf", "mimeType": "application/pdf", "buffer": b"\x00" * (2 * 1024 * 1024)})

    alert = page.get_by_role("alert").filter(has_text="larger than the 1 MB limit")
    expect(alert).to_have_text("The file is larger than the 1 MB limit. Choose a smaller file.")
    assert plan.evaluate("input => input.files.length") == 0  # nothing left to send
    expect(page.locator(".usa-file-input__preview")).to_have_count(0)
    assert "_size_error" in plan.get_attribute("aria-describedby")

    plan.set_input_files({"name": "plan.pdf", "mimeType": "application/pdf", "buffer": simple_pdf()})

    expect(alert).to_have_count(0)
    assert plan.evaluate("input => input.files.length") == 1
    assert browser_log.problems == []
