"""`mirmine curate serve` in headless Chromium: the keys (j/k, a, r, n) and the correction form, against uvicorn
serving a fresh store on 127.0.0.1 (any free port) in a thread. Skips without chromium, as tests/test_report.py does."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import query
from serve_store import RESISTANCE, make_store
from test_report import browser  # noqa: F401  (the module's headless Chromium fixture)

from pipeline.curate.serve import bind, make_app, url_of


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """(address, store) of a workbench served by uvicorn in a thread, as `mirmine curate serve` runs it."""
    import uvicorn

    db = make_store(tmp_path)
    sock = bind("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn.Config(make_app(db, "ann"), log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start within 10 s"
    try:
        yield url_of(sock), db
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def status_of(db: Path, fid: str) -> tuple[str, str, str]:
    (row,) = query(db, "SELECT status, note, curator FROM findings WHERE finding_id = ?", fid)
    return row


def current(driver) -> str:
    return driver.execute_script("var row = document.querySelector('tbody.finding.current'); return row ? row.dataset.id : '';")


def ids(driver) -> list[str]:
    return driver.execute_script("return Array.from(document.querySelectorAll('tbody.finding')).map(r => r.dataset.id);")


def press(driver, keys: str, *, reloads: bool = False) -> None:
    """Type ``keys`` into the page; with ``reloads``, wait for the page the form's POST leads to."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    old = driver.find_element(By.TAG_NAME, "main")
    ActionChains(driver).send_keys(keys).perform()
    if reloads:
        WebDriverWait(driver, 10).until(expected_conditions.staleness_of(old))
        WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")


def test_j_and_k_move_between_findings(browser, live) -> None:  # noqa: F811
    url, _ = live
    browser.get(url)
    first, second = ids(browser)[:2]
    assert current(browser) == first
    press(browser, "jj")
    press(browser, "k")
    assert current(browser) == second


def test_a_accepts_and_r_rejects_the_current_finding(browser, live) -> None:  # noqa: F811
    url, db = live
    browser.get(url)
    first, second, third = ids(browser)[:3]
    press(browser, "a", reloads=True)
    assert status_of(db, first) == ("accepted", "", "ann")
    assert (ids(browser)[0], current(browser)) == (second, second)
    press(browser, "j")
    press(browser, "r", reloads=True)
    assert status_of(db, third) == ("rejected", "", "ann")
    assert current(browser) == ids(browser)[1]  # the finding after the rejected one


def test_n_goes_to_the_note_and_enter_saves_it(browser, live) -> None:  # noqa: F811
    url, db = live
    browser.get(url)
    first = ids(browser)[0]
    press(browser, "n")
    assert browser.execute_script("return document.activeElement.name") == "note"
    press(browser, "Fig. 3B, see <b>table</b>\n", reloads=True)
    assert status_of(db, first) == ("pending", "Fig. 3B, see <b>table</b>", "ann")
    assert browser.execute_script("return window.__pwned") is None


def test_the_correction_form_records_a_corrected_finding(browser, live) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    url, db = live
    browser.get(f"{url}?q={RESISTANCE}")
    finding = browser.find_element(By.ID, f"f-{RESISTANCE}")
    finding.find_element(By.CSS_SELECTOR, "details.correct summary").click()
    Select(finding.find_element(By.NAME, "relation")).select_by_value("associated")
    partner = finding.find_element(By.NAME, "partner")
    partner.clear()
    partner.send_keys("pertuzumab")
    Select(finding.find_element(By.NAME, "direction")).select_by_value("up")
    finding.find_element(By.CSS_SELECTOR, "details.correct button.accepted").click()
    WebDriverWait(browser, 10).until(lambda d: "#f-" in d.current_url or not d.find_elements(By.ID, f"f-{RESISTANCE}"))
    assert query(
        db, "SELECT status, corrected_relation, corrected_partner, corrected_direction FROM findings WHERE finding_id = ?", RESISTANCE
    ) == [("accepted", "associated", "pertuzumab", "up")]
    browser.get(f"{url}?status=accepted")
    shown = browser.find_element(By.ID, f"f-{RESISTANCE}").text
    assert "associated" in shown and "pertuzumab" in shown and "trastuzumab" in shown  # corrected beside extracted


def test_papers_hostile_html_does_not_run(browser, live) -> None:  # noqa: F811
    url, _ = live
    browser.get(f"{url}?q=trastuzumab")
    browser.execute_script("document.querySelectorAll('details').forEach(d => d.open = true);")
    assert browser.execute_script("return window.__pwned") is None
