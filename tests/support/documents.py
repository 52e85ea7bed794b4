"""The GraphQL documents the tests send: one per mutation, and the queries several modules read.

Each mutation document asks for the whole success payload the tests look at and for every typed
failure (`RuleViolation`, `InvalidInput`, `NotFound`), so a test can assert the code and the
article of a refusal. `MUTATIONS` names them by root field; tests/authz/test_write_matrix.py
checks that it names every mutation of the schema.

Documents a single module needs for what it tests stay in that module: the scope matrix's
generated lists, the limits' deep queries, the SPA's page of tests/queries/test_sql_statements.py,
the hostile filters, and the HTTP probes of tests/http/ that carry their arguments inline
(a GET or a form body has no variables).
"""

from __future__ import annotations

FAILURES = """
    ... on RuleViolation { code article clause message }
    ... on InvalidInput { field message }
    ... on NotFound { message }
"""


def _mutation(name: str, input_type: str, success: str) -> str:
    return (
        f"mutation ($input: {input_type}!) {{ {name}(input: $input) {{ __typename\n"
        f"  {success}\n{FAILURES} }} }}"
    )


# ============================================================================================
# Selections shared by several payloads and queries

FILING_FIELDS = """
    id kind status validFrom validUntil reason newName newLegalRepresentative
    submittedAt decidedAt authority { code } agency { id }
    items { occupationCode occupationName level site { id } }
"""

SANCTION_FIELDS = """
    id article clause grade status facts serious certificatesInvalidated decidedAt published
    rectificationDeadline rectifiedAt authority { code } agency { id status }
    escalatedFrom { id article clause grade }
"""

ANNOUNCEMENT_FIELDS = """
    id kind startDate endDate terminationReason reportedToMinistryAt body current
    authority { code } agency { id name status }
"""

DRAW_FIELDS = """
    id seed algorithm populationHash poolHash createdAt published count inspectorsPerAgency
    authority { code } assignments { agency { id } inspectors }
"""

UPGRADE_SUCCESS = """... on UpgradeSuccess { agency { id level status filingRegion { code }
                                          upgradeRecommendedAt nationalRecommendedAt } }"""

PAGE_INFO = "totalCount pageInfo { hasNextPage endCursor }"

# ============================================================================================
# Mutations (DESIGN §7), by root field

REGISTER_AGENCY = _mutation(
    "registerAgency",
    "RegisterAgencyInput",
    """
  ... on RegisterAgencySuccess { agency { id name status level creditCode contactName
                                          filingRegion { code } } }""",
)

ADD_SITE = _mutation(
    "addSite",
    "AddSiteInput",
    """
  ... on AddSiteSuccess { site { id name address tenure region { code }
                                 agency { creditCode } acknowledgedAt } }""",
)

ACKNOWLEDGE_SITE = _mutation(
    "acknowledgeSite",
    "AcknowledgeSiteInput",
    """
  ... on AcknowledgeSiteSuccess { site { id acknowledgedAt region { code } } }""",
)

SUBMIT_FILING = _mutation(
    "submitFiling",
    "SubmitFilingInput",
    f"... on SubmitFilingSuccess {{ filing {{ {FILING_FIELDS} }} }}",
)

DECIDE_FILING = _mutation(
    "decideFiling",
    "DecideFilingInput",
    f"... on DecideFilingSuccess {{ filing {{ {FILING_FIELDS} }} }}",
)

IMPORT_FILING = _mutation(
    "importFiling",
    "ImportFilingInput",
    f"... on ImportFilingSuccess {{ filing {{ {FILING_FIELDS} }} }}",
)

TERMINATE_AGENCY = _mutation(
    "terminateAgency",
    "TerminateAgencyInput",
    f"""
  ... on TerminateAgencySuccess {{ agency {{ id status }}
                                  announcement {{ {ANNOUNCEMENT_FIELDS} }} }}""",
)

ISSUE_SANCTION = _mutation(
    "issueSanction",
    "IssueSanctionInput",
    f"... on IssueSanctionSuccess {{ escalated sanction {{ {SANCTION_FIELDS} }} }}",
)

CONFIRM_SANCTION = _mutation(
    "confirmSanction",
    "ConfirmSanctionInput",
    f"... on ConfirmSanctionSuccess {{ sanction {{ {SANCTION_FIELDS} }} }}",
)

ACCEPT_RECTIFICATION = _mutation(
    "acceptRectification",
    "AcceptRectificationInput",
    f"... on AcceptRectificationSuccess {{ sanction {{ {SANCTION_FIELDS} }} }}",
)

REGISTER_INSPECTOR = _mutation(
    "registerInspector",
    "RegisterInspectorInput",
    """
  ... on RegisterInspectorSuccess { inspector { id name region { code } } }""",
)

RECORD_INSPECTION = _mutation(
    "recordInspection",
    "RecordInspectionInput",
    f"""
  ... on RecordInspectionSuccess {{
    inspection {{ id kind mode date result findings published authority {{ code }}
                 agency {{ id }} site {{ id }} }}
    proposedSanction {{ {SANCTION_FIELDS} }} }}""",
)

DRAW_INSPECTIONS = _mutation(
    "drawInspections",
    "DrawInspectionsInput",
    f"... on DrawInspectionsSuccess {{ draw {{ {DRAW_FIELDS} }} }}",
)

RECOMMEND_UPGRADE = _mutation("recommendUpgrade", "RecommendUpgradeInput", UPGRADE_SUCCESS)

APPROVE_UPGRADE = _mutation("approveUpgrade", "AgencyInput", UPGRADE_SUCCESS)

RECOMMEND_NATIONAL = _mutation("recommendNational", "AgencyInput", UPGRADE_SUCCESS)

SET_WORKING_CALENDAR = _mutation(
    "setWorkingCalendar",
    "SetWorkingCalendarInput",
    """
  ... on SetWorkingCalendarSuccess { year holidays makeupWorkingDays }""",
)

MUTATIONS: dict[str, str] = {
    "registerAgency": REGISTER_AGENCY,
    "addSite": ADD_SITE,
    "acknowledgeSite": ACKNOWLEDGE_SITE,
    "submitFiling": SUBMIT_FILING,
    "decideFiling": DECIDE_FILING,
    "importFiling": IMPORT_FILING,
    "terminateAgency": TERMINATE_AGENCY,
    "issueSanction": ISSUE_SANCTION,
    "confirmSanction": CONFIRM_SANCTION,
    "acceptRectification": ACCEPT_RECTIFICATION,
    "registerInspector": REGISTER_INSPECTOR,
    "recordInspection": RECORD_INSPECTION,
    "drawInspections": DRAW_INSPECTIONS,
    "recommendUpgrade": RECOMMEND_UPGRADE,
    "approveUpgrade": APPROVE_UPGRADE,
    "recommendNational": RECOMMEND_NATIONAL,
    "setWorkingCalendar": SET_WORKING_CALENDAR,
}

# ============================================================================================
# Queries several modules read

AGENCY = """
query ($id: ID!) {
  agency(id: $id) { id name creditCode legalRepresentative status level validUntil bannedUntil
                    supervisionMode incentives upgradeRecommendedAt nationalRecommendedAt
                    filingRegion { code } }
}"""

NODE = """
query ($id: ID!) { node(id: $id) { __typename id
  ... on Sanction { article clause status published }
  ... on Site { name acknowledgedAt agency { id } }
  ... on Draw { seed published }
} }"""

ANNOUNCEMENTS = f"""
query ($first: Int = 100, $after: String, $filter: AnnouncementFilter) {{
  announcements(first: $first, after: $after, filter: $filter) {{
    {PAGE_INFO} edges {{ cursor node {{ {ANNOUNCEMENT_FIELDS} }} }} }}
}}"""

AUDIT_EVENTS = f"""
query ($after: String, $filter: AuditEventFilter) {{
  auditEvents(first: 100, after: $after, filter: $filter) {{
    {PAGE_INFO}
    edges {{ node {{ id at actorRole actorId action objectType objectId before after }} }} }}
}}"""

FILINGS = f"""
query ($after: String, $filter: FilingFilter) {{
  filings(first: 100, after: $after, filter: $filter) {{
    {PAGE_INFO} edges {{ node {{ {FILING_FIELDS} }} }} }}
}}"""

SANCTIONS = f"""
query ($after: String, $filter: SanctionFilter) {{
  sanctions(first: 100, after: $after, filter: $filter) {{
    {PAGE_INFO} edges {{ node {{ id article clause grade status published }} }} }}
}}"""

SITES = f"""
query ($after: String, $filter: SiteFilter) {{
  sites(first: 100, after: $after, filter: $filter) {{
    {PAGE_INFO} edges {{ node {{ id name acknowledgedAt region {{ code }} }} }} }}
}}"""

INSPECTORS = f"""
query ($after: String) {{
  inspectors(first: 100, after: $after) {{
    {PAGE_INFO} edges {{ node {{ id name region {{ code }} }} }} }}
}}"""

DRAWS = f"""
query ($after: String) {{
  draws(first: 100, after: $after) {{
    {PAGE_INFO} edges {{ node {{ id published authority {{ code }} }} }} }}
}}"""

FILING_QUEUE = f"""
query ($after: String) {{
  filingQueue(first: 100, after: $after) {{ {PAGE_INFO} edges {{ node {{ id status }} }} }}
}}"""

ACKNOWLEDGEMENT_QUEUE = f"""
query ($after: String) {{
  acknowledgementQueue(first: 100, after: $after) {{
    {PAGE_INFO} edges {{ node {{ id acknowledgedAt }} }} }}
}}"""

VERIFY_DRAW = "query ($id: ID!) { verifyDraw(id: $id) }"
