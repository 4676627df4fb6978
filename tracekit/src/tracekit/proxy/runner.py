"""The proxy's loops, started explicitly by :meth:`Proxy.run` (nothing at import).

- The *line loop* (the calling thread): a selector over the readers; each pass reads everything
  the devices have buffered, runs the station logic and commits all resulting events in **one**
  transaction (group commit): under load a pass holds many reads, so one fsync covers them all.
  Devices that fail are closed and reopened with backoff. Print jobs are printed here too.
- The *uplink* (one thread, started by :meth:`Proxy.run`): forwards the outbox, posts heartbeats
  and print-job results, pulls print jobs and, every ``config_poll_s``, the configuration (a new
  batch, role, case size or device set is handed to the line loop, which applies it between two
  passes). It owns its own outbox connection.
- Devices are bound by the line PC's allowlist (:mod:`.allowlist`, ``proxy.json``'s ``allow``): a
  device whose settings it refuses is not opened; its status says which setting and why (reported
  to Odoo with every heartbeat) and the log says it once.
- What the station holds between reads (units of an open case, labels awaited from the
  verifier, print jobs in progress) is committed with the events of the pass that changed it and
  taken back at start, so a crash forgets no acknowledged read and prints no job twice.
- Optionally the status page (:mod:`.status`).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import queue
import selectors
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from .allowlist import Allowlist, Refused
from .drivers import DeviceError, Driver, DriverRegistry, default_registry
from .forwarder import Forwarder, OdooClient, ServerError
from .outbox import NewEvent, Outbox
from .protocol import DeviceStatus, PrintJob, ProxyConfig
from .station import Station, label_text, render_label

_logger = logging.getLogger(__name__)

CONFIG_KEY = "config"
STATUS_KEY = "status"
STATE_KEY = "station_state"
JOB_DONE_PREFIX = "job_done."


@dataclass(frozen=True)
class ProxySettings:
    outbox: str
    batch_size: int = 500
    heartbeat_s: float = 30.0
    print_poll_s: float = 5.0
    config_poll_s: float = 60.0
    reopen_s: float = 2.0
    verify_timeout_s: float = 5.0
    backoff_base: float = 0.5
    backoff_max: float = 60.0
    hold_s: float = 600.0
    max_pass_reads: int = 20_000
    max_pass_s: float = 0.02  # group-commit window: a read is acknowledged within about this long

    def __post_init__(self):
        # proxy.json is edited by hand: a wrong value is refused at start, naming the setting
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if field.name == "outbox":
                continue
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0 or value != value:
                raise ValueError(f"settings.{field.name} must be a number >= 0, not {value!r}")
            if field.type in ("int", int) and not isinstance(value, int):
                raise ValueError(f"settings.{field.name} must be a whole number, not {value!r}")
        if self.batch_size < 1:
            raise ValueError(f"settings.batch_size must be at least 1, not {self.batch_size!r}")


@dataclass
class _Device:
    driver: Driver
    status: str = "offline"
    message: str = ""
    next_open: float = 0.0


class Proxy:
    def __init__(self, config: ProxyConfig, settings: ProxySettings, *, client: OdooClient | None = None,
                 registry: DriverRegistry | None = None, clock: Callable[[], float] = time.time,
                 allowlist: Allowlist | None = None):
        self.config = config
        self.settings = settings
        self.client = client
        self.clock = clock
        self.registry = registry or default_registry()
        self.allowlist = allowlist or Allowlist.default()
        self.outbox = Outbox(settings.outbox, clock=clock)
        self.outbox.put(CONFIG_KEY, json.dumps(_config_json(config)))
        self.station = Station(config, verify_timeout_s=settings.verify_timeout_s)
        kept = self.outbox.get(STATE_KEY)
        if kept:
            self.station.restore(json.loads(kept), clock())
        self._state_version = -1 if kept else self.station.version  # a restored state is written back
        self.devices = {d.code: _Device(self.registry.create(d, self.allowlist)) for d in config.devices}
        self.selector = selectors.DefaultSelector()
        self.jobs: queue.Queue[PrintJob] = queue.Queue()
        self.configs: queue.Queue[ProxyConfig] = queue.Queue()
        self.stop_event = threading.Event()
        self._lock = threading.Lock()
        self.committed = 0
        self._commit_state([])  # jobs finished while restoring are reported

    def _commit_state(self, events: list[NewEvent], counters: dict[str, int] | None = None) -> int:
        """Commit ``events``, counters, the station's state when it changed and the reports of
        finished print jobs, in one transaction."""
        state = {}
        if self.station.version != self._state_version:
            state[STATE_KEY] = json.dumps(self.station.snapshot())
        for report in self.station.take_finished_jobs():
            state[f"{JOB_DONE_PREFIX}{report.job_id}"] = json.dumps({"printed": report.printed,
                                                                    "rejected": report.rejected})
        committed = self.outbox.append(events, counters, state)
        self._state_version = self.station.version
        self.committed += len(committed)
        return len(committed)

    # -- configuration --------------------------------------------------------------------------
    def apply_config(self, config: ProxyConfig, now: float) -> list[NewEvent]:
        """Apply a configuration pulled from Odoo while running: the station's role and batch, and
        devices added, removed or changed (those are closed and opened again)."""
        if config == self.config:
            return []
        old = {d.code: d for d in self.config.devices}
        new = {d.code: d for d in config.devices}
        for code, device_config in old.items():
            if new.get(code) != device_config:
                self._fail(code, DeviceError("removed or changed by the configuration"), now)
                with self._lock:
                    del self.devices[code]
        for code, device_config in new.items():
            if code not in self.devices:
                device = _Device(self.registry.create(device_config, self.allowlist))
                with self._lock:
                    self.devices[code] = device
        self.config = config
        self.outbox.put(CONFIG_KEY, json.dumps(_config_json(config)))
        _logger.info("configuration changed: station %s (%s), batch %s, %d devices", config.station.code,
                     config.station.role, config.batch.name if config.batch else "-", len(config.devices))
        return self.station.apply_config(config, now)

    # -- devices --------------------------------------------------------------------------------
    def _open_due(self, now: float) -> None:
        for code, device in self.devices.items():
            if not device.driver.is_open and now >= device.next_open:
                self._open(code, device, now)

    def _open(self, code: str, device: _Device, now: float) -> bool:
        """Open a device; whether it is open. A device the allowlist refuses is an ``error``
        whose message names the setting and why (logged when it first says so); one that cannot
        be opened now is ``offline``. Both are tried again after ``reopen_s`` (an unplugged port
        comes back, a refused one stays refused until ``proxy.json`` or Odoo changes)."""
        try:
            device.driver.open()
        except Refused as error:
            message = str(error)
            if device.message != message[:200]:
                _logger.warning("device %s not opened: %s (allowed here: %s)", code, message,
                                self.allowlist.describe())
            self._set(device, "error", message, now)
            return False
        except (DeviceError, OSError) as error:
            self._set(device, "offline", str(error), now)
            return False
        self._set(device, "ok", "", now)
        if device.driver.kind == "reader":
            self.selector.register(device.driver.fileno(), selectors.EVENT_READ, code)
        return True

    def _set(self, device: _Device, status: str, message: str, now: float) -> None:
        with self._lock:
            device.status, device.message = status, message[:200]
        if status != "ok":
            device.next_open = now + self.settings.reopen_s

    def _fail(self, code: str, error: Exception, now: float) -> None:
        device = self.devices[code]
        try:
            self.selector.unregister(device.driver.fileno())
        except (KeyError, ValueError, AttributeError, TypeError):
            pass
        try:
            device.driver.close()
        except OSError:
            pass
        self._set(device, "error", str(error), now)

    def device_statuses(self, counters: dict[str, int]) -> list[DeviceStatus]:
        with self._lock:
            return [DeviceStatus(code, d.status, counters.get(f"device.{code}.reads", 0),
                                 counters.get(f"device.{code}.rejects", 0), d.message,
                                 counters.get(f"device.{code}.noise", 0))
                    for code, d in self.devices.items()]

    # -- the line loop --------------------------------------------------------------------------
    def poll(self, timeout: float = 0.05) -> int:
        """One pass: read what every ready reader has, handle, group-commit. The number of events
        committed."""
        now = self.clock()
        events: list[NewEvent] = []
        while True:
            try:
                config = self.configs.get_nowait()
            except queue.Empty:
                break
            events.extend(self.apply_config(config, now))
        self._open_due(now)
        ready = self.selector.select(timeout) if self.selector.get_map() else (time.sleep(timeout) or [])
        reads = 0
        window_end = now + self.settings.max_pass_s
        while ready and reads < self.settings.max_pass_reads and self.clock() < window_end:
            now = self.clock()
            for key, _mask in ready:
                code = key.data
                try:
                    frames = self.devices[code].driver.read()
                except DeviceError as error:
                    self._fail(code, error, now)
                    continue
                reads += len(frames)
                for frame in frames:
                    events.extend(self.station.handle(code, frame, now))
            ready = self.selector.select(0) if self.selector.get_map() else []
        now = self.clock()
        committed = self._print_pending(events, now)
        if committed is not None:
            events = []
        events.extend(self.station.tick(now))
        return (committed or 0) + self._commit_state(events, self.station.take_counters())

    def _print_pending(self, events: list[NewEvent], now: float) -> int | None:
        """Print the jobs the uplink queued. The pass's events so far and the jobs about to print
        are committed before the first label goes out, so that after a crash a job is neither
        printed again nor forgotten (labels it never sent are reported as not printed). Returns
        how many events that commit held, or None when there was nothing to print."""
        jobs = []
        while True:
            try:
                job = self.jobs.get_nowait()
            except queue.Empty:
                break
            if job.id not in self.station.jobs_in_progress():
                jobs.append(job)
        if not jobs:
            return None
        for job in jobs:
            self.station.begin_job(job.id, [str(label.get("code") or "") for label in job.labels])
        committed = self._commit_state(events, self.station.take_counters())
        for job in jobs:
            self.print_job(job, now)
        return committed

    def print_job(self, job: PrintJob, now: float) -> None:
        """Send every label of ``job`` to its printer and expect each back from the verifier
        (the job was begun in the station's state and committed, see :meth:`_print_pending`)."""
        device = self.devices.get(job.device)
        for label in job.labels:
            code = str(label.get("code") or "")
            try:
                zpl = render_label(job, label, device.driver.settings if device is not None else None)
                text = label_text(zpl)
                if device is None or device.driver.kind != "printer":
                    raise DeviceError(f"{job.device}: no such printer at this station")
                if not device.driver.is_open and not self._open(job.device, device, now):
                    self.station.fail_label(job.id, code, f"not printed: {device.message}"[:200])
                    continue
                device.driver.write(zpl.encode("utf-8"))
            except (DeviceError, ValueError, TypeError, KeyError) as error:
                self.station.fail_label(job.id, code, f"not printed: {error}"[:200])
                if device is not None and isinstance(error, DeviceError):
                    self._set(device, "error", str(error), now)
                continue
            self.station.expect(job.id, code, text, now)
        self.station.close_job(job.id)

    def run(self, *, status_port: int | None = None) -> None:
        uplink = Uplink(self) if self.client is not None else None
        threads = []
        if uplink is not None:
            threads.append(threading.Thread(target=uplink.run, name="trace-proxy-uplink", daemon=True))
        if status_port is not None:
            from .status import serve_status

            server = serve_status(self, status_port)
            threads.append(threading.Thread(target=server.serve_forever, name="trace-proxy-status", daemon=True))
        for thread in threads:
            thread.start()
        try:
            while not self.stop_event.is_set():
                self.poll()
        finally:
            self.stop_event.set()
            if status_port is not None:
                server.shutdown()
            for thread in threads:
                thread.join(timeout=5)
            self.close()

    def close(self) -> None:
        for code in list(self.devices):
            try:
                self.devices[code].driver.close()
            except OSError:
                pass
        self.selector.close()
        self.outbox.close()


class Uplink:
    """The thread that talks to Odoo."""

    def __init__(self, proxy: Proxy):
        self.proxy = proxy
        settings = proxy.settings
        self.outbox = Outbox(settings.outbox, clock=proxy.clock)
        self.forwarder = Forwarder(self.outbox, proxy.client, proxy.config.station.code,
                                   batch_size=settings.batch_size, clock=proxy.clock,
                                   backoff_base=settings.backoff_base, backoff_max=settings.backoff_max,
                                   hold_s=settings.hold_s)
        self.next_heartbeat = 0.0
        self.next_print_poll = 0.0
        self.next_config_poll = proxy.clock() + settings.config_poll_s
        self._last_rate = (proxy.clock(), 0)
        self.reads_per_min = 0.0
        # jobs printed before a restart and not reported yet are not taken again
        self.jobs_seen: set[int] = proxy.station.jobs_in_progress() | {
            int(key[len(JOB_DONE_PREFIX):]) for key, _report in self.outbox.items(JOB_DONE_PREFIX)}
        self.config_seen = proxy.config

    def step(self) -> bool:
        """One round; True if there may be more to do at once."""
        proxy, now = self.proxy, self.proxy.clock()
        result = self.forwarder.send_once()
        if now >= self.next_print_poll and any(d.driver.kind == "printer" for d in list(proxy.devices.values())):
            self.next_print_poll = now + proxy.settings.print_poll_s
            self._jobs()
        if now >= self.next_heartbeat:
            self.next_heartbeat = now + proxy.settings.heartbeat_s
            self._heartbeat(now)
        if now >= self.next_config_poll:
            self.next_config_poll = now + proxy.settings.config_poll_s
            self._config()
        return result.outcome == "sent"

    def _config(self) -> None:
        """Pull the configuration; a changed one goes to the line loop. Offline, the line keeps
        running on the one it has."""
        try:
            config = ProxyConfig.from_json(self.proxy.client.get_config())
        except (ServerError, ValueError) as error:
            _logger.info("configuration not refreshed: %s", error)
            return
        if config.station.code != self.proxy.config.station.code:
            _logger.warning("configuration for station %s ignored: this proxy forwards as %s",
                            config.station.code, self.proxy.config.station.code)
            return
        if config != self.config_seen:
            self.config_seen = config
            self.proxy.configs.put(config)

    def _jobs(self) -> None:
        client = self.proxy.client
        for name, value in self.outbox.items(JOB_DONE_PREFIX):
            try:
                report = json.loads(value)
                client.print_job_done(int(name[len(JOB_DONE_PREFIX):]), report["printed"], report["rejected"])
            except ServerError as error:
                if error.status is None or error.status >= 500:
                    return
            self.outbox.delete(name)
        try:
            jobs = client.get_print_jobs()
        except ServerError:
            return
        for job in jobs:
            if job.id not in self.jobs_seen:
                self.jobs_seen.add(job.id)
                self.proxy.jobs.put(job)

    def snapshot(self, now: float) -> dict:
        stats = self.outbox.stats()
        counters = stats.counters
        reads = sum(v for k, v in counters.items() if k.endswith(".reads"))
        then, before = self._last_rate
        if now - then >= 5:
            self.reads_per_min = (reads - before) * 60.0 / (now - then)
            self._last_rate = (now, reads)
        return {
            "station": self.proxy.config.station.code,
            "backlog": stats.backlog,
            "devices": [d.to_json() for d in self.proxy.device_statuses(counters)],
            "rates": {"reads_per_min": round(self.reads_per_min, 1)},
        }

    def _heartbeat(self, now: float) -> None:
        body = self.snapshot(now)
        self.outbox.put(STATUS_KEY, json.dumps(dict(body, time=now, last_error=self.forwarder.last_error)))
        try:
            self.proxy.client.heartbeat(body)
        except ServerError as error:
            _logger.info("heartbeat failed: %s", error)

    def run(self) -> None:
        try:
            while not self.proxy.stop_event.is_set():
                try:
                    more = self.step()
                except Exception:  # keep the uplink alive whatever happens; the outbox keeps the reads
                    _logger.exception("uplink round failed")
                    more = False
                if not more:
                    self.proxy.stop_event.wait(0.05)
        finally:
            self.outbox.close()


def _config_json(config: ProxyConfig) -> dict:
    station = config.station
    batch = config.batch
    return {
        "station": {"code": station.code, "name": station.name, "role": station.role,
                    "dedup_window_s": station.dedup_window_s, "case_size": station.case_size,
                    "pallet_size": station.pallet_size},
        "batch": None if batch is None else {"id": batch.id, "name": batch.name, "gtin": batch.gtin, "lot": batch.lot,
                                             "product": batch.product, "expiry_date": batch.expiry_date},
        "devices": [{"code": d.code, "driver": d.driver, "role": d.role, "settings": d.settings}
                    for d in config.devices],
        "resolver": config.resolver,
    }
