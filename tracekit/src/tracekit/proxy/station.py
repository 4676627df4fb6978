"""What a station does with each read, by its role (configured in Odoo).

- ``commissioning``: each read activates a unit of the running batch -> ``commission`` event;
- ``aggregation``: unit reads accumulate until a case-code read closes the case with exactly
  ``case_size`` children (-> ``aggregate`` event), else the case is refused (-> ``reject`` event,
  the units read are dropped and must be read again). A container read while no unit is pending
  but closed cases are closes a pallet of ``pallet_size`` cases the same way;
- ``print_verify``: labels sent to the printer are expected back from the verifier, in order and
  within ``verify_timeout_s``; a verified label -> ``commission``; a miss, a timeout or a read of
  something not printed -> ``reject`` (and the code is not commissioned);
- ``manual`` (a scan gun or PDA, one code at a time, for slower lines): each unit scanned is
  activated at once (-> ``commission`` event, the operator sees it count). When the station packs
  by hand (``case_size`` set), a case label scanned next packs the last ``case_size`` units
  scanned (-> ``aggregate`` event; fewer -> ``reject``), and a pallet label the last
  ``pallet_size`` cases the same way; without ``case_size`` a container scanned is a ``scan``
  (recorded, nothing packed). Only the last ``case_size`` units are kept, so the state stays
  bounded when nobody packs.

Reads of the same code within ``dedup_window_s`` count once (the window slides while the code
keeps being read, e.g. a unit standing under a camera). Reads that do not parse (empty, partial
frames, ``NOREAD`` markers, anything :func:`tracekit.gs1.parse_scan` refuses, a bare GTIN
without a serial) are *noise*: counted per device and shown in the status, never sent.

The logic is pure: it takes frames and a time and returns :class:`~.outbox.NewEvent` s plus
counter increments; the runner commits them. What the station holds between reads (the units of
a case not closed yet, the labels printed and not yet read back, the print jobs in progress) is
its *state*: :meth:`Station.snapshot` gives it as JSON, the runner commits it in the same
transaction as the events of the pass, and :meth:`Station.restore` takes it back after a restart,
so a unit read is not forgotten by a crash before its case label is read.
"""

from __future__ import annotations

import collections
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field

from .. import gs1
from ..errors import TraceKitError
from .allowlist import check_font_name
from .drivers import Frame
from .outbox import NewEvent
from .protocol import BatchConfig, PrintJob, ProxyConfig, utc_iso

NOISE_MARKERS = frozenset({"NOREAD", "NO READ", "NO_READ", "ERROR", "ERR", "FAIL", "?"})


def identity(data: gs1.Gs1Data) -> tuple:
    """What makes two reads the same code, whatever symbol or syntax carried it."""
    if data.sscc:
        return ("sscc", data.sscc)
    if data.serial:
        return ("item", data.gtin or "", data.serial)
    return ("gtin", data.gtin or "")


@dataclass(frozen=True)
class Noise:
    device: str
    text: str
    reason: str


@dataclass
class _Expected:
    job_id: int
    label_code: str
    text: str
    identity: tuple
    deadline: float


@dataclass
class JobReport:
    """What becomes ``POST /print_jobs/<id>/done``."""

    job_id: int
    outstanding: int
    printed: list[str] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  # every label code of the job
    sent: bool = False  # every label was handed to the printer (or failed)


class Station:
    def __init__(
        self,
        config: ProxyConfig,
        *,
        parse: Callable[[str], gs1.Gs1Data] = gs1.parse_scan,
        noise_markers: frozenset[str] = NOISE_MARKERS,
        verify_timeout_s: float = 5.0,
        noise_samples: int = 20,
    ):
        self.parse = parse
        self.noise_markers = frozenset(m.upper() for m in noise_markers)
        self.verify_timeout_s = verify_timeout_s
        self._set_config(config)
        self.version = 0  # bumped on every change of the state kept across restarts
        self._seen: dict[str, float] = {}
        self._units: list[str] = []
        self._cases: list[str] = []
        self._expected: collections.deque[_Expected] = collections.deque()
        self._jobs: dict[int, JobReport] = {}
        self.finished_jobs: list[JobReport] = []
        self.counters: dict[str, int] = {}
        self.noise: collections.deque[Noise] = collections.deque(maxlen=noise_samples)

    @property
    def batch(self) -> BatchConfig | None:
        return self.config.batch

    def _set_config(self, config: ProxyConfig) -> None:
        self.config = config
        self.role = config.station.role
        self.window = max(0.0, config.station.dedup_window_s)
        self.device_roles = {device.code: device.role for device in config.devices}

    def apply_config(self, config: ProxyConfig, now: float) -> list[NewEvent]:
        """A new configuration from Odoo (another batch, role, case size or device set).

        Units read for a case that was not closed stay pending when only the batch changed
        (Odoo checks each unit against its own batch). When the station stops aggregating, they
        can never be packed here: each becomes a reject, as do labels still awaited when it
        stops verifying prints.
        """
        old_role = self.role
        self._set_config(config)
        events: list[NewEvent] = []
        if old_role == "aggregation" and self.role != "aggregation" and (self._units or self._cases):
            reason = f"station changed from aggregation to {self.role} before the container was read"
            events += [self._reject(self.config.station.code, code, reason, now) for code in self._units + self._cases]
            self._units, self._cases = [], []
            self.version += 1
        if old_role == "print_verify" and self.role != "print_verify":
            while self._expected:
                late = self._expected.popleft()
                events.append(self._reject(self.config.station.code, late.text, "station stopped verifying prints", now))
                self._resolve(late, False, "station stopped verifying prints")
            self.version += 1
        return events

    # -- state kept across restarts -------------------------------------------------------------
    def snapshot(self) -> dict:
        return {
            "units": list(self._units),
            "cases": list(self._cases),
            "expected": [{"job": e.job_id, "code": e.label_code, "text": e.text} for e in self._expected],
            "jobs": [{"job": r.job_id, "outstanding": r.outstanding, "printed": r.printed, "rejected": r.rejected,
                      "labels": r.labels, "sent": r.sent} for r in self._jobs.values()],
        }

    def restore(self, state: dict, now: float) -> None:
        """Take back :meth:`snapshot` after a restart. Labels awaited get a fresh deadline; labels
        of a job that were never sent to the printer (the proxy stopped while printing) are
        reported as rejected, not printed again."""
        self._units = [str(c) for c in state.get("units") or ()]
        self._cases = [str(c) for c in state.get("cases") or ()]
        self._jobs = {}
        for item in state.get("jobs") or ():
            report = JobReport(int(item["job"]), int(item["outstanding"]), list(item.get("printed") or ()),
                               list(item.get("rejected") or ()), list(item.get("labels") or ()),
                               bool(item.get("sent")))
            self._jobs[report.job_id] = report
        self._expected = collections.deque()
        for item in state.get("expected") or ():
            text = str(item["text"])
            try:
                ident = identity(self.parse(text))
            except (TraceKitError, ValueError):
                ident = ("text", text)
            self._expected.append(_Expected(int(item["job"]), str(item["code"]), text, ident,
                                            now + self.verify_timeout_s))
        for report in list(self._jobs.values()):
            if not report.sent:
                handled = set(report.printed) | {r.get("code") for r in report.rejected} | {
                    e.label_code for e in self._expected if e.job_id == report.job_id}
                for code in report.labels:
                    if code not in handled:
                        report.rejected.append({"code": code, "reason": "not printed: the proxy stopped while printing"})
                report.sent = True
            self._finish_if_done(report)
        self.version += 1

    def jobs_in_progress(self) -> set[int]:
        return set(self._jobs)

    # -- counters -------------------------------------------------------------------------------
    def _count(self, device: str, name: str, n: int = 1) -> None:
        key = f"device.{device}.{name}"
        self.counters[key] = self.counters.get(key, 0) + n

    def take_counters(self) -> dict[str, int]:
        counters, self.counters = self.counters, {}
        return counters

    def _noise(self, device: str, text: str, reason: str) -> list[NewEvent]:
        self._count(device, "noise")
        self.noise.append(Noise(device, text[:80], reason))
        return []

    def _reject(self, device: str, code: str, reason: str, now: float) -> NewEvent:
        self._count(device, "rejects")
        return NewEvent(device=device, type="reject", code=code, time=utc_iso(now), reason=reason)

    # -- reads ----------------------------------------------------------------------------------
    def handle(self, device: str, frame: Frame, now: float) -> list[NewEvent]:
        text = frame.text.strip().strip("\x00")
        if frame.partial:
            return self._noise(device, text, "partial read")
        if not text:
            return self._noise(device, text, "empty read")
        if text.upper() in self.noise_markers:
            return self._noise(device, text, "no read")
        try:
            data = self.parse(text)
        except (TraceKitError, ValueError) as error:
            return self._noise(device, text, str(error)[:120])
        if not data.serial and not data.sscc:
            return self._noise(device, text, "no serial (a product barcode, not a unit code)")
        ident = identity(data)
        dedup_key = repr(ident)
        last = self._seen.get(dedup_key)
        self._seen[dedup_key] = now
        if len(self._seen) > 50_000:
            self._prune(now)
        if last is not None and now - last < self.window:
            self._count(device, "duplicates")
            return []
        self._count(device, "reads")
        if self.role == "print_verify" and self.device_roles.get(device) == "verifier":
            return self._verified(device, text, ident, now)
        if self.role == "commissioning" or self.role == "print_verify":
            return [NewEvent(device=device, type="commission", code=text, time=utc_iso(now))]
        if self.role == "aggregation":
            return self._aggregate(device, text, data, now)
        return self._manual(device, text, data, now)

    def _prune(self, now: float) -> None:
        self._seen = {k: t for k, t in self._seen.items() if now - t < self.window}

    # -- aggregation ----------------------------------------------------------------------------
    def _is_container(self, data: gs1.Gs1Data) -> bool:
        if data.sscc:
            return True
        if data.source in ("digital_link", "serial") or not data.gtin:
            return False
        return bool(self.batch and self.batch.gtin and data.gtin != self.batch.gtin)

    def _aggregate(self, device: str, text: str, data: gs1.Gs1Data, now: float) -> list[NewEvent]:
        self.version += 1
        if not self._is_container(data):
            self._units.append(text)
            return []
        station = self.config.station
        if self._units:
            units, self._units = self._units, []
            if station.case_size and len(units) != station.case_size:
                return [self._reject(device, text, f"case count: expected {station.case_size} units, "
                                                   f"found {len(units)}", now)]
            if station.pallet_size:
                self._cases.append(text)
            return [NewEvent(device=device, type="aggregate", code=text, time=utc_iso(now), children=tuple(units))]
        if self._cases and station.pallet_size:
            cases, self._cases = self._cases, []
            if len(cases) != station.pallet_size:
                return [self._reject(device, text, f"pallet count: expected {station.pallet_size} cases, "
                                                   f"found {len(cases)}", now)]
            return [NewEvent(device=device, type="aggregate", code=text, time=utc_iso(now), children=tuple(cases))]
        return [self._reject(device, text, "empty: no unit or case read before this container", now)]

    def _manual(self, device: str, text: str, data: gs1.Gs1Data, now: float) -> list[NewEvent]:
        station = self.config.station
        container = self._is_container(data)
        if not station.case_size:
            kind = "scan" if container else "commission"
            return [NewEvent(device=device, type=kind, code=text, time=utc_iso(now))]
        if container:
            events = self._aggregate(device, text, data, now)
            if station.pallet_size:
                self._cases = self._cases[-station.pallet_size:]
            return events
        self.version += 1
        # a unit scanned again (the operator was not sure of the beep) is not in the case twice
        ident = identity(data)
        kept = [unit for unit in self._units if identity(self.parse(unit)) != ident]
        self._units = (kept + [text])[-station.case_size:]
        return [NewEvent(device=device, type="commission", code=text, time=utc_iso(now))]

    @property
    def pending_units(self) -> tuple[str, ...]:
        return tuple(self._units)

    @property
    def pending_cases(self) -> tuple[str, ...]:
        return tuple(self._cases)

    # -- print and verify -----------------------------------------------------------------------
    def begin_job(self, job_id: int, label_codes: list[str]) -> None:
        """A print job is about to be sent to the printer (kept in the state first, so that a
        restart neither prints it again nor forgets it)."""
        self._jobs.setdefault(job_id, JobReport(job_id, 0, labels=list(label_codes)))
        self.version += 1

    def expect(self, job_id: int, label_code: str, text: str, now: float) -> None:
        """A label carrying ``text`` (its first barcode) was sent to the printer."""
        try:
            ident = identity(self.parse(text))
        except (TraceKitError, ValueError):
            ident = ("text", text)
        report = self._jobs.setdefault(job_id, JobReport(job_id, 0))
        report.outstanding += 1
        self.version += 1
        self._expected.append(_Expected(job_id, label_code, text, ident, now + self.verify_timeout_s))

    def fail_label(self, job_id: int, label_code: str, reason: str) -> None:
        """A label that could not even be printed (printer offline, bad label data)."""
        report = self._jobs.setdefault(job_id, JobReport(job_id, 0))
        report.rejected.append({"code": label_code, "reason": reason})
        self.version += 1
        self._finish_if_done(report)

    def _resolve(self, expected: _Expected, ok: bool, reason: str = "") -> None:
        self.version += 1
        report = self._jobs.get(expected.job_id)
        if report is None:  # its job was reported already
            return
        report.outstanding -= 1
        if ok:
            report.printed.append(expected.label_code)
        else:
            report.rejected.append({"code": expected.label_code, "reason": reason})
        self._finish_if_done(report)

    def _finish_if_done(self, report: JobReport) -> None:
        if report.sent and report.outstanding <= 0 and self._jobs.get(report.job_id) is report:
            del self._jobs[report.job_id]
            self.finished_jobs.append(report)

    def close_job(self, job_id: int) -> None:
        """Every label of the job was sent: report it once the last one is resolved."""
        report = self._jobs.get(job_id)
        if report is not None:
            report.sent = True
            self.version += 1
            self._finish_if_done(report)

    def _verified(self, device: str, text: str, ident: tuple, now: float) -> list[NewEvent]:
        events: list[NewEvent] = []
        position = next((i for i, e in enumerate(self._expected) if e.identity == ident), None)
        if position is None:
            return [self._reject(device, text, "wrong read: this code was not printed here", now)]
        for _ in range(position):
            missed = self._expected.popleft()
            events.append(self._reject(device, missed.text, "missed: the verifier did not read this label", now))
            self._resolve(missed, False, "missed by the verifier")
        hit = self._expected.popleft()
        self._resolve(hit, True)
        events.append(NewEvent(device=device, type="commission", code=text, time=utc_iso(now)))
        return events

    def tick(self, now: float, device: str = "") -> list[NewEvent]:
        """Time passes: labels not read back by their deadline are rejected."""
        events = []
        verifier = device or next((c for c, r in self.device_roles.items() if r == "verifier"), "verifier")
        while self._expected and self._expected[0].deadline <= now:
            late = self._expected.popleft()
            events.append(self._reject(verifier, late.text, f"no read within {self.verify_timeout_s:g} s", now))
            self._resolve(late, False, "not read back in time")
        return events

    def take_finished_jobs(self) -> list[JobReport]:
        jobs, self.finished_jobs = self.finished_jobs, []
        return jobs


# printer settings (from Odoo's device configuration) that shape every label it prints
PRINTER_LABEL_SETTINGS = ("dpi", "cjk_font")


def render_label(job: PrintJob, label: dict, printer: dict | None = None) -> str:
    """The ZPL of one label of a print job, from the library's templates, for a printer with
    ``printer`` settings (its resolution ``dpi``: 203, 300 or 600; ``cjk_font``, which goes into
    the ZPL as it is and so must be a safe font name: :class:`~.allowlist.Refused` otherwise)."""
    label = {**label, **{k: v for k, v in (printer or {}).items() if k in PRINTER_LABEL_SETTINGS}}
    if label.get("cjk_font") is not None:
        check_font_name(label["cjk_font"])
    from ..labels import zpl

    template = {"unit": zpl.unit_label, "case": zpl.case_label, "pallet": zpl.pallet_label}[job.kind]
    accepted = inspect.signature(template).parameters
    return template(**{k: v for k, v in label.items() if k in accepted and v is not None})


def label_text(zpl_text: str) -> str:
    """What the verifier should read back: the data of the label's first barcode."""
    from ..labels.zpl import parse_zpl_fields

    for item in parse_zpl_fields(zpl_text):
        if item.command in ("BQ", "BX", "BC"):
            return item.data
    raise TraceKitError(zpl_text[:40], "a label with a barcode", "no barcode field")
