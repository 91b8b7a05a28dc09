"""Transaction file layouts: Warden's native CSV, IBM AMLworld, AMLSim. Pure parsers over lines.

Each parser turns an iterable of text lines into a stream of `ParsedRow` (a transaction, with
the file's laundering label when it has one) and `RowError` (a line number and what is wrong
with it), so the caller chooses the policy: skip bad rows and report them, or reject the file
(`collect`). Nothing is dropped silently. Streams, not lists: a 10M-row file never has to
sit in memory as objects.

Transaction ids make re-imports idempotent. Native and AMLSim files carry their own ids. IBM
AMLworld rows have none, so the id is a hash of the row's text, plus an occurrence number for
identical rows within one file: importing the same file twice yields the same ids.

Native CSV layout (header required, column order free):
    tx_id,source,target,timestamp,amount,currency[,payment_format]
    timestamp: ISO 8601 ("2024-03-01T14:20:00Z"; no offset means UTC) or Unix seconds;
    amount: positive decimal in `currency` (ISO 4217 code or a name from the rate table).
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from services.common.errors import FieldViolation, InvalidArgument
from services.graph.core.currency import RateTable, default_rates
from services.graph.core.model import DAY, Transaction

MAX_REPORTED_ERRORS = 50
IBM_COLUMNS = 11
AMLSIM_ORIGIN = 1_483_228_800  # 2017-01-01 UTC: AMLSim counts whole-day steps from a start date


class Layout(StrEnum):
    NATIVE = "native"
    IBM_AML = "ibm-aml"
    AMLSIM = "amlsim"


class BadRowPolicy(StrEnum):
    SKIP = "skip"  # import the good rows, report the bad ones
    REJECT = "reject"  # import nothing if any row is bad


@dataclass(frozen=True, slots=True)
class ParsedRow:
    line: int
    transaction: Transaction
    laundering: bool | None = None


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    message: str


Parsed = ParsedRow | RowError


def collect(rows: Iterable[Parsed], policy: BadRowPolicy) -> tuple[list[ParsedRow], list[RowError]]:
    """Good rows and bad rows; under REJECT any bad row raises InvalidArgument (line numbers
    in the violations, capped at MAX_REPORTED_ERRORS)."""
    good: list[ParsedRow] = []
    bad: list[RowError] = []
    for row in rows:
        if isinstance(row, RowError):
            bad.append(row)
        else:
            good.append(row)
    if bad and policy is BadRowPolicy.REJECT:
        raise InvalidArgument(
            f"{len(bad)} bad row(s); nothing imported",
            [FieldViolation(f"line {e.line}", e.message) for e in bad[:MAX_REPORTED_ERRORS]],
            reason="BAD_ROWS",
        )
    return good, bad


def parse_timestamp(text: str) -> int:
    """ISO 8601 (naive = UTC), "YYYY/MM/DD HH:MM" (IBM) or Unix seconds -> Unix seconds."""
    value = text.strip()
    if value.lstrip("-").isdigit():
        return int(value)
    for fmt in ("%Y/%m/%d %H:%M", "%Y/%m/%d %H:%M:%S"):
        try:
            return int(datetime.strptime(value, fmt).replace(tzinfo=UTC).timestamp())
        except ValueError:
            pass
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return int((parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp())


def _amount(text: str) -> float:
    value = float(text)
    if not value > 0 or value == float("inf"):
        raise ValueError(f"amount {text!r} is not a positive number")
    return value


def _transaction(fields: dict[str, str], rates: RateTable) -> Transaction:
    """A Transaction from normalised field texts; ValueError/InvalidArgument says what is bad."""
    for name in ("tx_id", "source", "target"):
        if not fields.get(name, "").strip():
            raise ValueError(f"{name} is empty")
    return Transaction(
        tx_id=fields["tx_id"].strip(),
        source=fields["source"].strip(),
        target=fields["target"].strip(),
        timestamp=parse_timestamp(fields["timestamp"]),
        amount=_amount(fields["amount"]),
        currency=rates.code(fields.get("currency") or "USD"),
        payment_format=fields.get("payment_format", "").strip(),
    )


def _row(line: int, fields: dict[str, str], rates: RateTable, label: bool | None) -> Parsed:
    try:
        return ParsedRow(line, _transaction(fields, rates), label)
    except InvalidArgument as error:
        return RowError(line, error.message)
    except (ValueError, KeyError) as error:
        return RowError(line, str(error) or type(error).__name__)


def parse_native(lines: Iterable[str], rates: RateTable | None = None) -> Iterator[Parsed]:
    """Rows of the native CSV layout (see the module docstring)."""
    table = rates or default_rates()
    reader = csv.DictReader(lines)
    required = {"tx_id", "source", "target", "timestamp", "amount"}
    missing = required - {f.strip().lower() for f in reader.fieldnames or []}
    if missing:
        yield RowError(1, f"header lacks column(s) {', '.join(sorted(missing))}")
        return
    for record in reader:
        fields = {k.strip().lower(): (v or "") for k, v in record.items() if k is not None}
        if None in record:
            yield RowError(reader.line_num, "more fields than the header")
            continue
        yield _row(reader.line_num, fields, table, None)


def parse_ibm_aml(lines: Iterable[str], rates: RateTable | None = None) -> Iterator[Parsed]:
    """Rows of an IBM AMLworld transactions file (HI-/LI-Small/Medium/Large_Trans.csv).

    Columns by position (the header repeats "Account"): Timestamp, From Bank, Account, To Bank,
    Account, Amount Received, Receiving Currency, Amount Paid, Payment Currency, Payment Format,
    Is Laundering. Accounts are "<bank>:<account>" (account numbers repeat across banks); the
    amount is what the sender paid, in the payment currency.
    """
    table = rates or default_rates()
    seen: dict[str, int] = {}
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None or len(header) != IBM_COLUMNS or header[0].strip() != "Timestamp":
        yield RowError(1, "not an IBM AMLworld header (11 columns starting with Timestamp)")
        return
    for row in reader:
        line = reader.line_num
        if len(row) != IBM_COLUMNS:
            yield RowError(line, f"expected {IBM_COLUMNS} fields, found {len(row)}")
            continue
        digest = hashlib.sha256(",".join(row).encode()).hexdigest()[:24]
        seen[digest] = seen.get(digest, -1) + 1
        fields = {
            "tx_id": f"ibm-{digest}" + (f"-{seen[digest]}" if seen[digest] else ""),
            "source": f"{row[1].strip()}:{row[2].strip()}" if row[2].strip() else "",
            "target": f"{row[3].strip()}:{row[4].strip()}" if row[4].strip() else "",
            "timestamp": row[0],
            "amount": row[7],
            "currency": row[8],
            "payment_format": row[9],
        }
        yield _row(line, fields, table, _flag(row[10]))


def parse_amlsim(
    transactions: Iterable[str],
    accounts: Iterable[str] | None = None,
    origin: int = AMLSIM_ORIGIN,
) -> Iterator[Parsed]:
    """Rows of an AMLSim `transactions.csv` (TX_ID, SENDER_ACCOUNT_ID, RECEIVER_ACCOUNT_ID,
    TX_TYPE, TX_AMOUNT, TIMESTAMP, IS_FRAUD or IS_SAR, ALERT_ID). TIMESTAMP is a day step
    counted from `origin` (or a date-time). With `accounts.csv`, transfers naming an account
    it does not list are bad rows. Amounts are in USD, as AMLSim writes them."""
    known = None if accounts is None else set(_amlsim_accounts(accounts))
    reader = csv.DictReader(transactions)
    for record in reader:
        row = {k.strip().upper(): (v or "").strip() for k, v in record.items() if k}
        stamp = row.get("TIMESTAMP", "")
        fields = {
            "tx_id": f"amlsim-{row.get('TX_ID', '')}" if row.get("TX_ID") else "",
            "source": row.get("SENDER_ACCOUNT_ID", ""),
            "target": row.get("RECEIVER_ACCOUNT_ID", ""),
            "timestamp": str(origin + int(stamp) * DAY) if stamp.isdigit() else stamp,
            "amount": row.get("TX_AMOUNT", ""),
        }
        unknown = known is not None and not {fields["source"], fields["target"]} <= known
        if unknown:
            yield RowError(reader.line_num, "account not listed in accounts.csv")
            continue
        label = _flag(row.get("IS_FRAUD") or row.get("IS_SAR") or "")
        yield _row(reader.line_num, fields, default_rates(), label)


def amlsim_laundering_accounts(accounts: Iterable[str]) -> set[str]:
    """Accounts that AMLSim's `accounts.csv` marks IS_FRAUD / IS_SAR (ground truth)."""
    return {a for a, flagged in _amlsim_accounts(accounts).items() if flagged}


def _amlsim_accounts(lines: Iterable[str]) -> dict[str, bool]:
    out: dict[str, bool] = {}
    for record in csv.DictReader(lines):
        row = {k.strip().upper(): (v or "").strip() for k, v in record.items() if k}
        if row.get("ACCOUNT_ID"):
            out[row["ACCOUNT_ID"]] = bool(_flag(row.get("IS_FRAUD") or row.get("IS_SAR") or ""))
    return out


def _flag(text: str) -> bool | None:
    value = text.strip().lower()
    if value in ("1", "true", "yes"):
        return True
    if value in ("0", "false", "no"):
        return False
    return None
