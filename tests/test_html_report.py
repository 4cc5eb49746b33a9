"""The HTML report in a real headless Chromium: it renders, filters and stays offline.

A browser is the only honest judge of "the filters work" and "nothing is fetched": the
tests drive the Chromium and chromedriver found on ``PATH`` (Debian's ``chromium`` and
``chromium-driver`` packages) through Selenium, never letting Selenium Manager download
a browser. A missing browser FAILS the test (CI installs them), so the report can never
silently go untested.
"""

from __future__ import annotations

import shutil
import time
from html.parser import HTMLParser

import pytest

from scanner.models import ScanResult, Status
from scanner.reports import html as html_report

BROWSERS = ("chromium", "chromium-browser", "google-chrome")  # the first one on PATH is used
DRIVER = "chromedriver"
OPEN = (Status.FAIL, Status.ERROR)  # the findings the table shows by default
HOSTILE = '</script><script>window.pwned=1</script><img src="http://example.invalid/x.png"> a|b & <b>c</b>'


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    chromium = next((found for name in BROWSERS if (found := shutil.which(name))), None)
    chromedriver = shutil.which(DRIVER)
    missing = [what for what, found in ((" or ".join(BROWSERS), chromium), (DRIVER, chromedriver)) if found is None]
    if missing:
        pytest.fail(
            f"headless Chromium is required for the HTML report tests but {', '.join(missing)} is missing from PATH: "
            "run `apt-get install -y chromium chromium-driver`",
            pytrace=False,
        )
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail("selenium is required for the HTML report tests: pip install selenium", pytrace=False)

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--disable-extensions",
        "--window-size=1400,1000",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
    yield driver
    driver.quit()


@pytest.fixture
def page(browser, demo_result, tmp_path):
    """Open a report file; after the test, the console must hold no error (CSP violations included)."""

    def open_report(result: ScanResult = demo_result):
        path = tmp_path / "findings.html"
        path.write_text(html_report.render(result), encoding="utf-8")
        browser.get_log("browser")  # drop anything from a previous page
        browser.get(path.as_uri())
        return browser

    yield open_report
    severe = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert severe == [], f"console errors: {severe}"


def _rows(driver) -> list:
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, "#findings-body tr.finding")


def _select(driver, element_id: str, value: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element(By.ID, element_id)).select_by_value(value)


def _open_count(result: ScanResult, predicate=lambda finding: True) -> int:
    return sum(finding.status in OPEN and predicate(finding) for finding in result.findings)


def test_table_shows_the_open_findings_by_default(page, demo_result):
    from selenium.webdriver.common.by import By

    driver = page()
    rows = _rows(driver)
    assert len(rows) == _open_count(demo_result) == demo_result.summary.by_status["FAIL"]
    shown = {row.find_elements(By.TAG_NAME, "td")[2].text for row in rows}
    assert "aws.s3.bucket_policy_not_public" in shown
    assert driver.find_element(By.ID, "findings-count").text.startswith(f"Showing {len(rows)} of {len(rows)}")
    _select(driver, "f-status", "")
    assert len(_rows(driver)) == len(demo_result.findings)
    _select(driver, "f-status", "PASS")
    assert len(_rows(driver)) == demo_result.summary.by_status["PASS"]


def test_filters_by_severity_service_and_control(page, demo_result):
    from selenium.webdriver.common.by import By

    driver = page()
    _select(driver, "f-severity", "critical")
    rows = _rows(driver)
    assert len(rows) == demo_result.summary.failed_by_severity["critical"] > 0
    assert {row.find_elements(By.TAG_NAME, "td")[1].text for row in rows} == {"critical"}

    _select(driver, "f-severity", "")
    _select(driver, "f-service", "s3")
    expected = _open_count(demo_result, lambda f: f.resource.type.startswith("aws.s3."))
    assert 0 < len(_rows(driver)) == expected < _open_count(demo_result)

    _select(driver, "f-service", "")
    _select(driver, "f-control", "iso27018:A.11.6")
    expected = _open_count(
        demo_result, lambda f: any((c.framework, c.id) == ("iso27018", "A.11.6") for c in f.controls)
    )
    rows = _rows(driver)
    assert 0 < len(rows) == expected
    assert all("A.11.6" in row.find_elements(By.TAG_NAME, "td")[6].text for row in rows)

    _select(driver, "f-severity", "info")
    assert _rows(driver) == [] and driver.find_element(By.ID, "no-match").is_displayed()
    driver.find_element(By.ID, "reset").click()
    assert len(_rows(driver)) == _open_count(demo_result)


def test_text_search_narrows_rows(page, demo_result):
    from selenium.webdriver.common.by import By

    driver = page()
    driver.find_element(By.ID, "f-text").send_keys("demo-public-website")
    expected = _open_count(demo_result, lambda f: "demo-public-website" in f"{f.resource.id} {f.resource.name}")
    assert 0 < len(_rows(driver)) == expected


def test_detail_view_shows_evidence_remediation_and_controls(page, demo_result):
    from selenium.webdriver.common.by import By

    driver = page()
    _select(driver, "f-control", "iso27017:12.4.1")
    _select(driver, "f-service", "cloudtrail")
    row = next(r for r in _rows(driver) if "multi_region_trail_logging" in r.text)
    row.click()
    dialog = driver.find_element(By.ID, "detail")
    assert dialog.get_attribute("open") is not None and dialog.is_displayed()
    text = dialog.text
    finding = next(f for f in demo_result.findings if f.rule_id == "aws.cloudtrail.multi_region_trail_logging")
    assert finding.title in text and "aws.cloudtrail.multi_region_trail_logging" in text
    assert "multi_region_logging" in text, "evidence"
    assert finding.remediation.text in text
    blocks = [block.text for block in dialog.find_elements(By.TAG_NAME, "pre")]
    assert any("aws cloudtrail update-trail" in block for block in blocks), "CLI snippet"
    assert any('resource "aws_cloudtrail"' in block for block in blocks), "Terraform snippet"
    control_rows = dialog.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(control_rows) == len(finding.controls)
    assert any("CLD.12.4.5" in r.text and "shared" in r.text for r in control_rows), "responsibility shown"
    driver.find_element(By.ID, "detail-close").click()
    assert dialog.get_attribute("open") is None


def test_coverage_view_lists_every_control_and_links_to_findings(page, demo_result):
    from selenium.webdriver.common.by import By

    from scanner.coverage import build_coverage

    driver = page()
    assert not driver.find_element(By.ID, "coverage-tab").is_displayed(), "findings tab first"
    driver.find_element(By.CSS_SELECTOR, 'nav.tabs a[href="#coverage-tab"]').click()
    assert driver.find_element(By.ID, "coverage-tab").is_displayed()
    assert not driver.find_element(By.ID, "findings-tab").is_displayed()
    for framework in build_coverage(demo_result).frameworks:
        rows = driver.find_elements(By.CSS_SELECTOR, f'table[data-framework="{framework.framework}"] tbody tr')
        assert [r.get_attribute("data-control-id") for r in rows] == [c.id for c in framework.controls]
        assert [r.get_attribute("data-status") for r in rows] == [c.status.value for c in framework.controls]
    failing = driver.find_element(By.CSS_SELECTOR, 'table[data-framework="iso27018"] tr[data-control-id="A.11.6"]')
    assert "failing" in failing.text
    failing.find_element(By.CSS_SELECTOR, "button[data-control]").click()
    assert driver.find_element(By.ID, "findings-tab").is_displayed()
    expected = sum(any((c.framework, c.id) == ("iso27018", "A.11.6") for c in f.controls) for f in demo_result.findings)
    assert len(_rows(driver)) == expected, "all findings of the control, any status"


def test_hostile_data_stays_text(page, demo_result):
    from selenium.webdriver.common.by import By

    first = demo_result.findings[0]
    hostile = first.model_copy(
        update={
            "status": Status.FAIL,
            "message": HOSTILE,
            "resource": first.resource.model_copy(update={"id": HOSTILE}),
        }
    )
    result = demo_result.model_copy(update={"findings": (hostile,)})
    driver = page(result)
    assert driver.execute_script("return window.pwned === undefined")
    assert driver.find_elements(By.CSS_SELECTOR, "#findings-body img") == []
    (row,) = _rows(driver)
    assert HOSTILE in row.text


def test_file_is_self_contained(demo_result):
    text = html_report.render(demo_result)
    assert text == html_report.render(demo_result), "deterministic"

    class Links(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.urls: list[str] = []
            self.scripts: list[dict] = []
            self.csp: list[str] = []

        def handle_starttag(self, tag, attrs):
            values = dict(attrs)
            self.urls += [value or "" for name, value in attrs if name in ("src", "href", "srcset", "action")]
            if tag == "meta" and values.get("http-equiv") == "Content-Security-Policy":
                self.csp.append(values["content"] or "")
            if tag == "script":
                self.scripts.append(values)
            assert tag not in ("iframe", "object", "embed", "base"), tag

    parser = Links()
    parser.feed(text)
    (csp,) = parser.csp
    assert csp.startswith("default-src 'none';") and "img-src data:" in csp and "http" not in csp
    assert all(url.startswith(("#", "data:")) for url in parser.urls), parser.urls
    assert all("src" not in script for script in parser.scripts)
    assert "@import" not in text and "url(" not in text


def test_summary_is_readable_without_javascript(demo_result):
    text = html_report.render(demo_result)
    static = text.split('<script type="application/json"')[0]
    assert f'<div class="value">{demo_result.summary.by_status["FAIL"]}</div><div class="label">Failed</div>' in static
    assert "aws.s3.bucket_policy_not_public" in static, "top failing rules are server-rendered"
    assert 'data-control-id="A.11.6"' in static, "coverage is server-rendered"


def test_content_security_policy_blocks_remote_loads(page):
    driver = page()
    driver.execute_script(
        "var img = new Image(); img.src = 'http://127.0.0.1:9/probe.png'; document.body.appendChild(img);"
        "fetch('http://127.0.0.1:9/probe').catch(function () {});"
    )

    deadline = time.monotonic() + 5
    messages: list[str] = []
    while time.monotonic() < deadline and len(messages) < 2:
        messages += [
            entry["message"] for entry in driver.get_log("browser") if "Content Security Policy" in entry["message"]
        ]
        time.sleep(0.1)
    assert any("img-src" in m for m in messages) and any("connect-src" in m or "default-src" in m for m in messages), (
        messages
    )
