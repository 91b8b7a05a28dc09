"""A complete SAR draft used by the SAR tests (fictitious people and accounts)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from services.cases.core.sar.goaml import ReportMeta
from services.cases.core.sar.model import (
    IdKind,
    PartyType,
    SarAccount,
    SarAddress,
    SarContent,
    SarIdentification,
    SarSubject,
    SarTransaction,
)

PERSON = SarSubject(
    ref="cust-1",
    party_type=PartyType.PERSON,
    first_name="Zoë",
    last_name="O'Neil",
    birth_date=date(1980, 2, 3),
    gender="F",
    nationality="GB",
    occupation="Trader",
    address=SarAddress("1 High Street", "London", "GB", "SW1A 1AA"),
    identifications=(SarIdentification(IdKind.PASSPORT, "123456789", "GB"),),
    aliases=("Zoe Neil",),
)
COMPANY = SarSubject(
    ref="cust-2",
    party_type=PartyType.ENTITY,
    entity_name="Acme Trading LLC",
    nationality="AE",
    address=SarAddress("2 Creek Road", "Dubai", "AE"),
    identifications=(SarIdentification(IdKind.REGISTRATION, "CN-1234"),),
)
ACCOUNTS = (
    SarAccount("AE070331234567890123456", "cust-1", "Warden Demo Bank", "WRDNAEAD", "AED"),
    SarAccount("ACC-2", "cust-2", "Other Bank", "OTHRAEAD", "AED", own_institution=False),
)
TRANSACTIONS = tuple(
    SarTransaction(
        reference=f"tx-{i}",
        at=datetime(2024, 5, i + 1, 12, tzinfo=UTC),
        amount=Decimal("9500.00"),
        currency="AED",
        from_account=ACCOUNTS[0].number,
        to_account=ACCOUNTS[1].number,
        description="transfer",
        amount_local=Decimal(
            "2586.50"
        ),  # what FinCEN would see in USD; goAML uses amount_local too
    )
    for i in range(3)
)
CONTENT = SarContent(
    case_id="case-1",
    subjects=(PERSON, COMPANY),
    narrative="Three transfers of AED 9,500 on consecutive days, just under the threshold.",
    activity_from=date(2024, 5, 1),
    activity_to=date(2024, 5, 3),
    typologies=("structuring",),
    accounts=ACCOUNTS,
    transactions=TRANSACTIONS,
)
META = ReportMeta("SAR-0001", datetime(2024, 6, 1, 10, tzinfo=UTC))
