"""Runs started from the workbench: each in its own worker process (so a cancel stops it at once and a
crash cannot take the server down), reporting progress and its outcome through a queue.

The worker calls the one API (:func:`gigawatt.api.run`) with the server's store, so a finished job is a
stored run like any other; the server keeps only the job's state: queued, running, done (with the run
id), failed (with the one-line reason) or cancelled. At most ``concurrency`` jobs run at once (``gigawatt
serve --jobs``, default the cores): the others wait, first come first served, and start as running ones
end; a queue already :data:`MAX_QUEUED` long refuses more.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from gigawatt.core.errors import GigawattError

MAX_JOBS_KEPT = 200  # finished jobs remembered for their pages; older ones are forgotten first
MAX_QUEUED = 100  # jobs waiting for a free slot; beyond this a start is refused (a server flooded with runs)
PROMOTE_EVERY_S = 0.5  # how often waiting jobs are started as running ones end, seconds


class QueueFull(GigawattError):
    """The job queue holds :data:`MAX_QUEUED` waiting jobs already."""


@dataclass
class Job:
    """One run started from the workbench: its state, progress (done of total steps) and outcome."""

    id: str
    kind: str
    name: str
    state: str = "queued"  # queued, running, done, failed, cancelled
    done: int = 0
    total: int = 0
    run_id: str | None = None
    error: str | None = None
    process: Any = field(default=None, repr=False)
    events: Any = field(default=None, repr=False)
    target: Any = field(default=None, repr=False)  # what the worker runs (None: _work, one run)
    points: list[dict[str, Any]] | None = None  # a sweep's points finished so far, with their figures
    figure: str | None = None  # the figure a sweep's chart shows

    def public(self) -> dict[str, Any]:
        """The job as the API shows it (a sweep's with its ``points`` finished so far)."""
        shown = {"id": self.id, "kind": self.kind, "name": self.name, "state": self.state, "done": self.done,
                 "total": self.total, "run_id": self.run_id, "error": self.error}
        return shown if self.points is None else {**shown, "points": self.points}


def _work(kind: str, inputs: dict[str, Any], store_url: str | None, events: Any) -> None:
    """In the worker: run the job, sending ("progress", done, total), then ("done", run id) or ("failed", reason)."""
    try:
        from gigawatt import api

        result = api.run(kind, inputs, store=store_url, progress=lambda done, total: events.put(("progress", done, total)))
        events.put(("done", result.run.id))
    except GigawattError as exc:
        events.put(("failed", str(exc).splitlines()[0]))
    except Exception as exc:  # noqa: BLE001 - a crash is reported in one line, never as a traceback
        events.put(("failed", f"the run failed: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}".rstrip(": ")))


class Jobs:
    """The server's jobs: start, follow, cancel. Thread-safe (the server answers requests on threads)."""

    def __init__(self, store_url: str | None, concurrency: int | None = None):
        self.store_url = store_url
        self.concurrency = concurrency or os.cpu_count() or 1
        self.jobs: dict[str, Job] = {}
        self.waiting: deque[tuple[Job, dict[str, Any]]] = deque()
        self.lock = threading.Lock()
        self.context = multiprocessing.get_context("spawn")  # a fork of a threaded server can hang its child
        self.stopped = threading.Event()
        # running jobs end whether or not anyone asks: a thread of its own starts the waiting ones
        threading.Thread(target=self._keep_promoting, daemon=True, name="gigawatt-jobs").start()

    def start(self, kind: str, name: str, inputs: dict[str, Any], target: Any = None, figure: str | None = None) -> Job:
        """Queue a run of validated ``inputs`` (a JSON-safe dict) and return its job: running at once where a
        slot is free, else queued. Raises :class:`QueueFull` when :data:`MAX_QUEUED` jobs wait already.
        ``target``: what the worker process runs, called as ``_work`` is (a sweep's worker); None: ``_work``."""
        job = Job(id=uuid.uuid4().hex[:12], kind=kind, name=name, target=target, figure=figure,
                  points=[] if target is not None else None)
        with self.lock:
            if len(self.waiting) >= MAX_QUEUED:
                raise QueueFull(f"the server's job queue is full ({MAX_QUEUED} runs wait for {self.concurrency} slots); "
                                "try again when some have finished, or serve with more --jobs")
            self.jobs[job.id] = job
            finished = [j for j in self.jobs.values() if j.state in ("done", "failed", "cancelled")]
            for old in finished[: max(0, len(self.jobs) - MAX_JOBS_KEPT)]:
                self.jobs.pop(old.id, None)
            self.waiting.append((job, inputs))
            self._promote()
        return job

    def _promote(self) -> None:
        """Start waiting jobs while fewer than ``concurrency`` run (under the lock)."""
        for job in self.jobs.values():
            self._drain(job)
        running = sum(j.state == "running" for j in self.jobs.values())
        while self.waiting and running < self.concurrency:
            job, inputs = self.waiting.popleft()
            job.events = self.context.Queue()
            job.process = self.context.Process(target=job.target or _work, args=(job.kind, inputs, self.store_url, job.events), daemon=True)
            job.process.start()
            job.state = "running"
            running += 1

    def _keep_promoting(self) -> None:
        while not self.stopped.wait(PROMOTE_EVERY_S):
            with self.lock:
                if self.waiting:
                    self._promote()

    def get(self, ident: str) -> Job | None:
        """The job, its state brought up to date from its worker's messages."""
        job = self.jobs.get(ident)
        if job is not None:
            with self.lock:  # pages and the event stream ask at once, from several threads
                self._drain(job)
                if self.waiting and job.state != "running":
                    self._promote()
        return job

    def _drain(self, job: Job) -> None:
        if job.state != "running":
            return
        self._read(job)
        if job.state != "running":
            self._release(job)

    @staticmethod
    def _release(job: Job) -> None:
        """Free an ended job's queue and process handles (their semaphores leak otherwise)."""
        job.process.join(timeout=5)
        if job.process.is_alive():  # it sent its result but has not exited: it has nothing left to do
            job.process.kill()
            job.process.join()
        job.events.close()
        job.events.join_thread()
        job.process.close()

    def _read(self, job: Job) -> None:
        while True:
            try:
                message = job.events.get_nowait()
            except queue.Empty:
                break
            if message[0] == "progress":
                job.done, job.total = message[1], message[2]
            elif message[0] == "points":
                job.points = message[1]
            elif message[0] == "done":
                job.state, job.run_id = "done", message[1]
            elif message[0] == "failed":
                job.state, job.error = "failed", message[1]
        if job.state == "running" and not job.process.is_alive():
            job.process.join(timeout=0.1)
            try:  # its last message may arrive just after it exits
                message = job.events.get(timeout=0.5)
                if message[0] == "done":
                    job.state, job.run_id = "done", message[1]
                    return
                if message[0] == "failed":
                    job.state, job.error = "failed", message[1]
                    return
            except queue.Empty:
                pass
            job.state, job.error = "failed", f"the worker stopped without a result (exit code {job.process.exitcode})"

    def cancel(self, ident: str) -> Job | None:
        """Stop a running job's worker at once, or take a queued job off the queue."""
        job = self.get(ident)
        with self.lock:
            if job is not None and job.state == "queued":
                self.waiting = deque(item for item in self.waiting if item[0] is not job)
                job.state, job.error = "cancelled", "cancelled by the user"
            elif job is not None and job.state == "running":
                job.process.terminate()
                job.state, job.error = "cancelled", "cancelled by the user"
                self._release(job)
                self._promote()
        return job

    def shutdown(self) -> None:
        """Stop every worker still running and drop the queue (the server is stopping)."""
        self.stopped.set()
        with self.lock:
            for job, _ in self.waiting:
                job.state, job.error = "cancelled", "the server stopped"
            self.waiting.clear()
        for job in list(self.jobs.values()):
            if job.state == "running":
                job.process.terminate()
                job.state, job.error = "cancelled", "the server stopped"
                self._release(job)
