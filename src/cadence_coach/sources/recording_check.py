"""Checking and repairing recordings: what a reading recovered and what it had to skip.

:func:`check_recording` reads a whole recording and reports every damaged span (file offsets, time span,
about how many records were lost), the records skipped and a partial last record.
:func:`repair_recording` writes a clean copy: the same header, every record that was recovered, in file
order (atomically: the copy appears whole or not at all).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..atomic import atomic_path
from ..datatypes import PacketBatch
from ..errors import UserError
from .recording import DamagedSpan, RecordedEvent, RecordingReader, RecordingWriter


@dataclass
class RecordingReport:
    """What reading a recording found.

    Attributes:
        path: the recording.
        size: file size, bytes.
        packets: packet records recovered.
        events: event records recovered.
        first_s, last_s: time of the first and last record recovered, s (None if none).
        corrupt_records: good records that could not be used (unknown kind, undeclared sensor...).
        out_of_order: records skipped as earlier than those before them (duplicated spans).
        truncated: the file ends in a partial record.
        spans: the damaged spans, in file order.
        record_bytes: bytes of records recovered, for estimating how many records a span held.
    """

    path: Path
    size: int
    packets: int = 0
    events: int = 0
    first_s: float | None = None
    last_s: float | None = None
    corrupt_records: int = 0
    out_of_order: int = 0
    truncated: bool = False
    spans: list[DamagedSpan] = field(default_factory=list)
    record_bytes: int = 0

    @property
    def clean(self) -> bool:
        """Nothing skipped and nothing cut short."""
        return not (self.spans or self.truncated or self.corrupt_records or self.out_of_order)

    @property
    def unreadable(self) -> bool:
        """Damaged, and not a single record recovered."""
        return not self.clean and self.packets + self.events == 0

    def records_lost(self, span: DamagedSpan) -> int:
        """About how many records ``span`` held that were not recovered: its bytes (less the records
        skipped whole) over the mean record size, or fewer if its time span is shorter than that."""
        records = self.packets + self.events
        if records == 0:
            return 0
        by_bytes = (span.size - span.out_of_order_bytes) / (self.record_bytes / records)
        estimate = by_bytes
        if span.t_before_s is not None and span.t_after_s is not None and self.last_s and self.first_s:
            rate = records / max(self.last_s - self.first_s, 1e-9)
            by_time = max(span.t_after_s - span.t_before_s, 0.0) * rate - 1.0
            estimate = min(by_bytes, by_time)
        return max(0, round(estimate))

    def lines(self) -> list[str]:
        """The report for people, one line each."""
        time_span = "" if self.first_s is None else f", {self.first_s:.3f} s to {self.last_s:.3f} s"
        out = [f"{self.path}: {self.size} bytes, {self.packets} packets and {self.events} events{time_span}"]
        for span in self.spans:
            before = "the start" if span.t_before_s is None else f"{span.t_before_s:.3f} s"
            after = "the end" if span.t_after_s is None else f"{span.t_after_s:.3f} s"
            dup = f", {span.out_of_order} duplicated records skipped" if span.out_of_order else ""
            out.append(
                f"damaged: bytes {span.start}-{span.end} ({span.size} bytes), between {before} and "
                f"{after}, about {self.records_lost(span)} records lost{dup}"
            )
        if self.corrupt_records:
            out.append(f"{self.corrupt_records} unusable records skipped (unknown kind or sensor, bad event)")
        if self.out_of_order and not any(s.out_of_order for s in self.spans):
            out.append(f"{self.out_of_order} out-of-order events skipped")
        if self.truncated:
            out.append("ends in a partial record (a session that was cut short)")
        n_lost = sum(self.records_lost(s) for s in self.spans)
        out.append(
            "clean"
            if self.clean
            else f"damaged but readable: {len(self.spans)} damaged spans, about {n_lost} records lost; "
            "everything else recovered"
        )
        return out


def _read(reader: RecordingReader, report: RecordingReport, writer: RecordingWriter | None) -> None:
    """Read every record of ``reader`` into ``report`` (and copy it to ``writer`` if given)."""
    for item in reader.batches():
        if isinstance(item, PacketBatch):
            report.packets += len(item)
            report.record_bytes += int(item.length.sum()) + len(item) * 19
            t0, t1 = float(item.t_host[0]), float(item.t_host[-1])
            if writer is not None:
                for packet in item.raw_packets():
                    writer.write_packet(packet)
        else:
            assert isinstance(item, RecordedEvent)
            report.events += 1
            report.record_bytes += 64
            t0 = t1 = item.t_s
            if writer is not None:
                writer.write_event(item.t_s, **item.data)
        report.first_s = t0 if report.first_s is None else report.first_s
        report.last_s = t1
    report.corrupt_records = reader.corrupt_records
    report.out_of_order = reader.out_of_order
    report.truncated = reader.truncated
    report.spans = list(reader.damaged_spans)


def check_recording(path: str | os.PathLike) -> RecordingReport:
    """Read the whole recording at ``path`` and report what was recovered and what was skipped.

    Raises:
        UserError: the file is missing or not a recording (no usable header).
    """
    with RecordingReader(path) as reader:
        report = RecordingReport(Path(path), os.path.getsize(path))
        _read(reader, report, None)
    return report


def repair_recording(path: str | os.PathLike, out: str | os.PathLike) -> RecordingReport:
    """Write a clean copy of the recording at ``path`` to ``out`` (replaced only once the copy is
    whole): its header and every record recovered, in order. Returns the report of the reading.

    Raises:
        UserError: ``path`` is not a readable recording (nor a damaged one with a record left), or ``out``
            cannot be written; an existing ``out`` is then left as it was.
    """
    if Path(out).resolve() == Path(path).resolve():
        raise UserError(f"{out}: give another file for the repaired copy (the damaged one is kept as it is)")
    with RecordingReader(path) as reader:
        report = RecordingReport(Path(path), os.path.getsize(path))
        with (
            atomic_path(out, "the repaired recording") as tmp,
            RecordingWriter(tmp, reader.header, flush_interval_s=1.0, exclusive=False) as writer,
        ):
            _read(reader, report, writer)
            if report.unreadable:
                raise UserError(f"{path}: no readable record (the whole recording is damaged)")
    return report
