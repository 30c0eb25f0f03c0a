"""Review endpoints: write a verdict (token-protected beyond loopback), read them, export gold."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

from detente.review import ReviewError, add_review, all_reviews, gold_records
from detente.web.api import ERRORS, Cursor

router = APIRouter(prefix="/api/reviews")


def require_token(request: Request, authorization: Annotated[str | None, Header()] = None) -> None:
    """Writes need ``Authorization: Bearer <token>`` when the server was given a token (it must
    be, when it listens beyond the loopback interface)."""
    token = request.app.state.token
    if token and authorization != f"Bearer {token}":
        raise HTTPException(401, "this server needs a token for writes: send 'Authorization: Bearer <token>'")


class ReviewIn(BaseModel):
    level: Literal["event", "mention"] = "event"
    target: str = Field(min_length=1, max_length=64, description="cluster id (level event) or event id (level mention)")
    verdict: Literal["correct", "wrong", "fixed"]
    event: str | None = Field(None, max_length=12, description="corrected PLOVER type")
    actor_code: str | None = Field(None, max_length=3, description="corrected actor code")
    recipient_code: str | None = Field(None, max_length=3, description="corrected recipient code")
    note: str | None = Field(None, max_length=2000)
    reviewer: str | None = Field(None, max_length=100)


@router.post("", status_code=201, responses={**ERRORS, 401: {"description": "Token required"}},
             dependencies=[Depends(require_token)])
def post_review(cur: Cursor, review: ReviewIn) -> dict[str, Any]:
    """Mark an event correct or wrong, or fix its type, actor or recipient."""
    try:
        return add_review(cur, **review.model_dump())
    except ReviewError as err:
        status = 404 if str(err).startswith("no ") else 422
        raise HTTPException(status, str(err)) from None


@router.get("", responses=ERRORS)
def list_reviews(
    cur: Cursor, limit: Annotated[int, Query(ge=1, le=1000)] = 100, offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> dict[str, Any]:
    """Reviews, newest first."""
    return {"limit": limit, "offset": offset, "items": all_reviews(cur, limit, offset)}


@router.get("/gold", response_class=PlainTextResponse, responses=ERRORS)
def gold(cur: Cursor) -> str:
    """The reviewed sentences as gold data for ``detente eval`` (JSON Lines)."""
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in gold_records(cur))
