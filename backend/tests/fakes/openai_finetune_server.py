"""A loopback server speaking the OpenAI files and fine_tuning wire format, so tests run the real `openai` SDK.

A job moves one status per retrieve: validating_files -> queued -> running -> succeeded (or `outcome`: failed);
running reports an event and a checkpoint with metrics each time it is polled; `hold_running` keeps it running
until it is cancelled (POST .../cancel -> cancelled).

    fake = FakeFineTuning().start(); base_url = fake.base_url   # http://127.0.0.1:<port>/v1
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes.loopback import LoopbackServer

STATUSES = ("validating_files", "queued", "running")


@dataclass
class FakeFineTuning:
    outcome: str = "succeeded"  # or "failed"
    running_polls: int = 2  # retrieves spent in "running" before the outcome
    hold_running: bool = False
    files: dict[str, dict] = field(default_factory=dict)
    jobs: dict[str, dict] = field(default_factory=dict)
    events: dict[str, list[dict]] = field(default_factory=dict)
    checkpoints: dict[str, list[dict]] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: LoopbackServer | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.port}/v1"

    def start(self) -> FakeFineTuning:
        self._server = LoopbackServer("fake fine-tuning")
        self._server.start(_app(self))
        return self

    def stop(self) -> None:
        if self._server:
            self._server.stop()

    def _event(self, job_id: str, message: str, level: str = "info") -> None:
        self.events.setdefault(job_id, []).append({
            "id": f"ftevent-{uuid.uuid4().hex[:12]}", "object": "fine_tuning.job.event", "created_at": int(time.time()),
            "level": level, "message": message, "type": "message", "data": {}})

    def advance(self, job: dict) -> None:
        """One poll's worth of progress."""
        if job["status"] in ("succeeded", "failed", "cancelled"):
            return
        if job["status"] != "running":
            job["status"] = STATUSES[STATUSES.index(job["status"]) + 1]
            self._event(job["id"], f"Job status: {job['status']}")
            return
        done = len(self.checkpoints.get(job["id"], []))
        step = 10 * (done + 1)
        self.checkpoints.setdefault(job["id"], []).append({
            "id": f"ftckpt-{uuid.uuid4().hex[:10]}", "object": "fine_tuning.job.checkpoint",
            "created_at": int(time.time()), "fine_tuning_job_id": job["id"], "step_number": step,
            "fine_tuned_model_checkpoint": f"ft:{job['model']}:sangdam::{job['id'][-6:]}:ckpt-step-{step}",
            "metrics": {"step": step, "train_loss": round(2.0 / (done + 1), 4), "valid_loss": round(2.2 / (done + 1), 4)}})
        self._event(job["id"], f"Step {step}: training loss={2.0 / (done + 1):.4f}")
        if self.hold_running or done + 1 < self.running_polls:
            return
        job["finished_at"] = int(time.time())
        if self.outcome == "failed":
            job["status"], job["error"] = "failed", {"code": "invalid_training_file", "param": "training_file",
                                                     "message": "The training file has too few examples."}
            self._event(job["id"], "Job failed", "error")
        else:
            job["status"], job["trained_tokens"] = "succeeded", 12345
            job["fine_tuned_model"] = f"ft:{job['model']}:sangdam::{job['id'][-6:]}"
            self._event(job["id"], "The job has successfully completed")


def _page(items: list[dict]) -> dict:
    return {"object": "list", "data": items, "has_more": False,
            "first_id": items[0]["id"] if items else None, "last_id": items[-1]["id"] if items else None}


def _app(fake: FakeFineTuning) -> Starlette:
    def not_found(what: str) -> JSONResponse:
        return JSONResponse({"error": {"message": f"No such {what}", "type": "invalid_request_error",
                                       "code": None, "param": None}}, status_code=404)

    async def upload(request: Request):
        form = await request.form()
        f = form["file"]
        content = (await f.read()).decode("utf-8")
        for line in content.splitlines():
            json.loads(line)  # a broken line would be a bug of ours: fail loudly
        fid = f"file-{uuid.uuid4().hex[:16]}"
        with fake._lock:
            fake.requests.append(("POST", "/files"))
            fake.files[fid] = {"id": fid, "object": "file", "bytes": len(content.encode()), "created_at": int(time.time()),
                               "filename": f.filename, "purpose": form["purpose"], "status": "processed",
                               "lines": len(content.splitlines())}
        return JSONResponse({k: v for k, v in fake.files[fid].items() if k != "lines"})

    async def create(request: Request):
        body = await request.json()
        if body.get("training_file") not in fake.files:
            return not_found("file")
        jid = f"ftjob-{uuid.uuid4().hex[:16]}"
        job = {"id": jid, "object": "fine_tuning.job", "created_at": int(time.time()), "model": body["model"],
               "training_file": body["training_file"], "validation_file": None, "status": "validating_files",
               "fine_tuned_model": None, "finished_at": None, "error": None, "organization_id": "org-fake",
               "result_files": [], "seed": 42, "trained_tokens": None,
               "hyperparameters": body.get("hyperparameters") or {"n_epochs": "auto", "batch_size": "auto",
                                                                   "learning_rate_multiplier": "auto"},
               "user_provided_suffix": body.get("suffix")}
        with fake._lock:
            fake.requests.append(("POST", "/fine_tuning/jobs"))
            fake.jobs[jid] = job
            fake._event(jid, f"Created fine-tuning job: {jid}")
        return JSONResponse(job)

    async def retrieve(request: Request):
        job = fake.jobs.get(request.path_params["id"])
        if job is None:
            return not_found("job")
        with fake._lock:
            fake.requests.append(("GET", "/fine_tuning/jobs/{id}"))
            fake.advance(job)
        return JSONResponse(job)

    async def events(request: Request):
        jid = request.path_params["id"]
        if jid not in fake.jobs:
            return not_found("job")
        limit = int(request.query_params.get("limit", 20))
        return JSONResponse(_page(list(reversed(fake.events.get(jid, [])))[:limit]))  # newest first

    async def checkpoints(request: Request):
        jid = request.path_params["id"]
        if jid not in fake.jobs:
            return not_found("job")
        return JSONResponse(_page(list(reversed(fake.checkpoints.get(jid, [])))))

    async def cancel(request: Request):
        job = fake.jobs.get(request.path_params["id"])
        if job is None:
            return not_found("job")
        with fake._lock:
            fake.requests.append(("POST", "/fine_tuning/jobs/{id}/cancel"))
            if job["status"] in ("succeeded", "failed", "cancelled"):
                return JSONResponse({"error": {"message": "Job already finished", "type": "invalid_request_error",
                                               "code": None, "param": None}}, status_code=400)
            job["status"], job["finished_at"] = "cancelled", int(time.time())
            fake._event(job["id"], "Job cancelled")
        return JSONResponse(job)

    return Starlette(routes=[
        Route("/v1/files", upload, methods=["POST"]),
        Route("/v1/fine_tuning/jobs", create, methods=["POST"]),
        Route("/v1/fine_tuning/jobs/{id}", retrieve, methods=["GET"]),
        Route("/v1/fine_tuning/jobs/{id}/events", events, methods=["GET"]),
        Route("/v1/fine_tuning/jobs/{id}/checkpoints", checkpoints, methods=["GET"]),
        Route("/v1/fine_tuning/jobs/{id}/cancel", cancel, methods=["POST"]),
    ])
