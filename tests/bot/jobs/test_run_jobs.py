"""Several processes on one database: only the one with RUN_JOBS on schedules the jobs (reminders,
digest, housekeeping), so only one process sends in bulk; the others only answer updates."""

from __future__ import annotations

import dataclasses

from bot.pace import PacedRateLimiter
from bot.telegram.app import build_application
from bot.telegram.transport import LOCAL_TOKEN, LocalBotApi
from tests.bot.jobs.test_delivery import Clock, make_core

JOBS = {"deliver_reminders", "weekly_digest", "forget_old_updates"}


def _application(tmp_path, assistant, run_jobs: bool):
    core = make_core(f"sqlite:///{tmp_path / 'bot.sqlite3'}", Clock(), assistant)
    core = dataclasses.replace(core, settings=dataclasses.replace(core.settings, run_jobs=run_jobs))
    return build_application(core, request=LocalBotApi(), token=LOCAL_TOKEN)


def test_the_designated_process_schedules_every_job(tmp_path, assistant):
    application = _application(tmp_path, assistant, run_jobs=True)
    assert {job.name for job in application.job_queue.jobs()} == JOBS


def test_a_process_with_run_jobs_off_schedules_none_and_still_answers(tmp_path, assistant):
    application = _application(tmp_path, assistant, run_jobs=False)
    assert application.job_queue.jobs() == ()
    assert application.handlers  # the handlers are there: it answers updates


def test_the_application_sends_through_the_smooth_limiter(tmp_path, assistant):
    application = _application(tmp_path, assistant, run_jobs=True)
    assert isinstance(application.bot.rate_limiter, PacedRateLimiter)
