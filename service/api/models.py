"""Response and request bodies of the REST API: typed, so the published OpenAPI schema says
exactly what a client gets (schemathesis checks every response against it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, Field

from service.storage.repo import CORRECTABLE, VALUE_REFS

Role = Literal["reader", "archivist", "admin"]


class Problem(BaseModel):
    """RFC 9457 problem details: every error of the API has this body."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None


class FoundDocument(BaseModel):
    """What a finished file turned out to be, for the upload page's row."""

    number: str | None
    doc_type: str | None
    title: str | None
    date: str | None
    to_review: int = Field(description="values of it still in the review queue")


class BatchItemOut(BaseModel):
    id: int
    filename: str
    state: Literal["queued", "processing", "done", "failed"]
    outcome: str | None
    error_kind: str | None
    error: str | None
    retryable: bool
    attempts: int
    pages_total: int
    pages_done: int
    document_id: int | None
    document: FoundDocument | None = None


class Discarded(BaseModel):
    deleted: int = Field(description="originals deleted (contents still referenced stay)")


class BatchOut(BaseModel):
    id: int
    total: int
    queued: int
    processing: int
    done: int
    failed: int
    items: list[BatchItemOut]


class DocumentSummary(BaseModel):
    id: int
    file: str
    number: str | None
    key: str | None = Field(description="canonical key of the number: what citations name")
    doc_type: str | None
    date: str | None
    issuer: str | None
    title: str | None
    pages: int
    kind: str
    has_figures: bool


class MatchedCitation(BaseModel):
    key: str
    partial: bool = Field(description="the key was completed from context (e.g. 'QĐ 677')")
    text: str


class SearchHit(DocumentSummary):
    bears_number: bool = Field(
        default=False, description="the query named this document's own number"
    )
    snippet: str | None = None
    highlights: list[tuple[int, int]] = Field(
        default_factory=list, description="[start, end) of matched words in the snippet"
    )
    matched: list[MatchedCitation] = Field(default_factory=list)
    rescans: list[DocumentSummary] = Field(
        default_factory=list, description="other scans of this document, listed under it"
    )


class KeyCandidateOut(BaseModel):
    key: str
    documents: int = Field(description="documents citing it (at most the cap, see exact)")
    exact: bool
    document_id: int | None = Field(description="the cited document, when it is in the archive")


class SearchPage(BaseModel):
    page: int
    per_page: int
    total: int
    total_exact: bool = Field(description="false: more documents match than total says")
    keys: list[str] = Field(description="cited keys the 'cites' query stands for")
    candidates: list[KeyCandidateOut]
    results: list[SearchHit]


class CitationOut(BaseModel):
    key: str
    partial: bool
    text: str
    document_id: int | None = Field(description="the cited document, when it is in the archive")


class RescanOut(BaseModel):
    document_id: int
    similarity: float


class RescanGroup(BaseModel):
    """Another scan of an archived document is linked to it, not listed twice."""

    rescan_of: int | None = Field(description="the document this file is another scan of")
    similarity: float | None = Field(description="text similarity to it, 0-100")
    rescans: list[RescanOut] = Field(description="the other scans of this document")


class DocumentDetail(DocumentSummary):
    sha256: str
    record: dict[str, Any]
    pages_info: list[dict[str, Any]]
    pipeline_version: str
    cites: list[CitationOut]
    cited_by: list[DocumentSummary]
    rescans: RescanGroup
    confirmed: dict[str, str] = Field(
        default_factory=dict,
        description="values a person confirmed or corrected (doc.date, cit.0 ...) and who",
    )
    to_review: int = Field(default=0, description="values of it still in the review queue")


# An enum in the OpenAPI schema; a type checker sees the str it is (a Literal built from a
# tuple is valid at run time only).
if TYPE_CHECKING:
    CorrectableField = str
else:
    CorrectableField = Literal[CORRECTABLE]


ValueRef = Annotated[
    str,
    Field(
        pattern=rf"^({'|'.join(VALUE_REFS)})\.\d{{1,5}}$",
        description="a value other than a header field, by its ref (GET /review): it can "
        "only be confirmed, with the value it holds",
    ),
]


class CorrectionIn(BaseModel):
    field: CorrectableField | ValueRef = Field(
        description="the header field corrected or confirmed, or a value's ref (cit.0, amt.1)"
    )
    value: str | None = Field(
        max_length=2000,
        description="the right value (a date: YYYY-MM-DD, YYYY-MM or DD/MM/YYYY); the current "
        "value again confirms it, and it leaves the review queue",
    )


class ReviewBox(BaseModel):
    page: int
    x: int
    y: int
    w: int
    h: int
    page_w: int = Field(description="the page image's size the box is in (pixels)")
    page_h: int


class ReviewItem(BaseModel):
    document_id: int
    document_number: str | None
    file: str
    ref: str = Field(description="doc.<field> for a header field, cit.N, date.N, amt.N, cnt.N")
    field: str | None = Field(description="the header field, or null for another value")
    label: str
    value: str = Field(description="the current value: send it back to confirm")
    reasons: list[str] = Field(
        description="reason codes (extract.review): missing, low_confidence …"
    )
    reason: str = Field(description="the reasons in Vietnamese")
    confidence: float | None
    page: int | None
    box: ReviewBox | None


class ReviewPage(BaseModel):
    total: int = Field(description="values still to check")
    page: int
    per_page: int
    items: list[ReviewItem]


class CorrectionOut(BaseModel):
    id: int
    field: str
    value: str | None
    previous: str | None
    author: str
    created_at: str


class TopCited(BaseModel):
    key: str
    documents: int
    document_id: int | None


class Resolved(BaseModel):
    query: str
    key: str | None
    number: str | None
    type_code: str | None
    issuer_code: str | None
    year: int | None
    matches: list[str]
    candidates: list[KeyCandidateOut]


class GraphNode(BaseModel):
    id: str
    label: str
    document_id: int | None = None


class GraphEdge(BaseModel):
    source: str = Field(serialization_alias="from")
    to: str
    partial: bool


class Graph(BaseModel):
    nodes: list[GraphNode]
    edges: list[GraphEdge]


class TokenIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    role: Role = "reader"


class TokenCreated(BaseModel):
    name: str
    role: Role
    token: str = Field(description="shown once; only its hash is kept")


class TokenOut(BaseModel):
    id: int
    name: str
    role: str
    revoked: bool
    created_at: str
    last_used: str | None = None  # ISO time, to the minute; None: never used


class Me(BaseModel):
    name: str
    role: str
