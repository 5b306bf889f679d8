"""The dashboard in a real headless Chromium: generate with live progress to 100%, the
new counts, a previewed and confirmed delete, a cancelled run that leaves the database
as it was, and the screenshot the README shows."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import query

pytestmark = pytest.mark.db

REPO = Path(__file__).resolve().parents[2]
WAIT_S = 120  # a run on the shared 2-core machine; the whole test takes ~30 s


def wait(browser: Any, what: Any, timeout: float = WAIT_S) -> Any:
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    # The page replaces the summary and a run's box as events arrive: look again.
    ignored = (NoSuchElementException, StaleElementReferenceException)
    return WebDriverWait(browser, timeout, 0.1, ignored).until(what)


def fill(browser: Any, **values: str) -> None:
    from selenium.webdriver.common.by import By

    for name, value in values.items():
        field = browser.find_element(By.CSS_SELECTOR, f'#config [name="{name}"]')
        field.clear()
        field.send_keys(value)


def act(browser: Any, action: str) -> None:
    from selenium.webdriver.common.by import By

    browser.find_element(By.CSS_SELECTOR, f'#config button[value="{action}"]').click()


def preview_and_confirm(browser: Any, expect: str) -> str:
    """Wait for the dry-run preview, check it, press Confirm; the preview's text."""
    from selenium.webdriver.common.by import By

    box = wait(browser, lambda b: b.find_element(By.ID, "preview").is_displayed() and b)
    text = str(box.find_element(By.CSS_SELECTOR, "#preview .text").text)
    assert expect in text, text
    browser.find_element(By.ID, "confirm").click()
    return text


def run_ids(browser: Any) -> list[str]:
    from selenium.webdriver.common.by import By

    return [
        e.get_attribute("data-run") for e in browser.find_elements(By.CSS_SELECTOR, "#runs .run")
    ]


def new_run(browser: Any, seen: list[str]) -> str:
    """The id of the run the page started after ``seen`` (its box is looked up by id
    each time: the page rewrites a box's content as events arrive)."""
    return str(wait(browser, lambda b: next((i for i in run_ids(b) if i not in seen), None)))


def start(browser: Any, action: str, expect: str) -> tuple[str, str]:
    """Press ``action``, check its dry-run preview holds ``expect`` and confirm: the id of
    the run it started and the preview's text."""
    seen = run_ids(browser)
    act(browser, action)
    text = preview_and_confirm(browser, expect)
    return new_run(browser, seen), text


def run_box(browser: Any, run: str) -> Any:
    from selenium.webdriver.common.by import By

    return browser.find_element(By.CSS_SELECTOR, f'.run[data-run="{run}"]')


def finished(browser: Any, run: str) -> str:
    return str(wait(browser, lambda b: run_box(b, run).get_attribute("data-outcome")))


def shown_counts(browser: Any) -> dict[str, str]:
    counts: dict[str, str] = browser.execute_script(  # in one go: no stale rows
        "const out = {};"
        "for (const r of document.querySelectorAll('#summary tr[data-table]'))"
        "  out[r.dataset.table] = r.querySelector('.rows').textContent.trim();"
        "return out;"
    )
    return counts


def db_counts(dsn: str) -> dict[str, int]:
    tables = ("store", "product", "calendar", "sales_daily", "inventory_snapshot_daily")
    return {t: int(query(dsn, f"SELECT count(*) FROM {t}")[0][0]) for t in tables}


def sees_log_line(browser: Any, operation: str, outcome: str) -> None:
    """The generation log (pgseed.runs, written by the run itself) shows the run."""
    from selenium.webdriver.common.by import By

    lines = browser.find_elements(By.CSS_SELECTOR, "#log .log-line")
    assert any(operation in ln.text and outcome in ln.text for ln in lines), [
        ln.text for ln in lines
    ]


def test_dashboard_generate_cancel_delete(
    serve: Any, browser: Any, db_dsn: str, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    base = serve({"retail": db_dsn})
    browser.get(f"{base}/pack/retail")
    assert browser.find_element(By.TAG_NAME, "h1").text == "pgseed dashboard"
    assert "does not exist yet" in browser.find_element(By.ID, "summary").text

    # Generate a small data set: preview, confirm, progress to 100 %, the new counts.
    fill(
        browser, seed="7", stores="2", products="3", start_date="2024-01-01", end_date="2024-01-10"
    )
    run, _ = start(browser, "generate", "planned rows")
    assert finished(browser, run) == "committed"
    box = run_box(browser, run)
    assert box.find_element(By.CSS_SELECTOR, ".bar").get_attribute("value") == "100"
    assert box.find_element(By.CSS_SELECTOR, ".pct").text == "100%"
    wait(browser, lambda b: shown_counts(b).get("store") == "2")
    counts = shown_counts(browser)
    assert counts["product"] == "3" and counts["calendar"] == "10", counts
    assert "reproduce with:" in box.find_element(By.CSS_SELECTOR, ".messages").text
    sees_log_line(browser, "generate", "committed")
    before = db_counts(db_dsn)

    # A run long enough to cancel: cancelled once its progress has started, rolled back.
    fill(browser, stores="40", products="50", start_date="2023-01-01", end_date="2024-12-31")
    run, _ = start(browser, "generate", "would replace")
    wait(browser, lambda b: float(run_box(b, run).get_attribute("data-percent") or 0) > 0)
    run_box(browser, run).find_element(By.CSS_SELECTOR, ".cancel").click()
    assert finished(browser, run) == "rolled back"
    assert db_counts(db_dsn) == before
    browser.refresh()
    wait(browser, lambda b: shown_counts(b).get("store") == "2")
    assert shown_counts(browser)["sales_daily"] == f"{before['sales_daily']:,}"

    shot = tmp_path / "dashboard.png"
    browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
    if os.environ.get("PGSEED_SCREENSHOT"):
        shutil.copy(shot, REPO / "docs" / "img" / "dashboard.png")

    # Delete: its dry run first (what it would remove), then Confirm.
    browser.find_element(By.CSS_SELECTOR, '#config select[name="scope"]').send_keys("all")
    run, text = start(browser, "delete", "would delete")
    assert "sales_daily" in text
    assert finished(browser, run) == "committed"
    wait(browser, lambda b: shown_counts(b).get("store") == "0")
    assert set(db_counts(db_dsn).values()) == {0}


def test_social_generate_new_replaces_in_one_run(serve: Any, browser: Any, db_dsn: str) -> None:
    """social's Generate New (``seed-all --replace``) from the page: the first run fills
    an empty database; the second previews what it removes first, then replaces it."""
    from selenium.webdriver.common.by import By

    base = serve({"social": db_dsn})
    browser.get(f"{base}/pack/social")
    fill(browser, run_seed="ui-1", count="30", activity_days="2", start_date="2024-03-01")
    browser.find_element(By.CSS_SELECTOR, '#config [name="skip_jobs"]').click()
    run, _ = start(browser, "generate", "rows per table")
    assert finished(browser, run) == "committed"
    assert run_box(browser, run).find_element(By.CSS_SELECTOR, ".pct").text == "100%"
    wait(browser, lambda b: shown_counts(b).get("User") == "30")
    sees_log_line(browser, "seed-all", "committed")

    fill(browser, run_seed="ui-2", count="20")
    run, text = start(browser, "generate", "would remove first")
    assert "User" in text
    assert finished(browser, run) == "committed"
    wait(browser, lambda b: shown_counts(b).get("User") == "20")
    assert query(db_dsn, 'SELECT count(*) FROM "User"')[0][0] == 20  # replaced, not added
