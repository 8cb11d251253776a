import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.core.types import SafeStr


class EntryCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: SafeStr = Field(min_length=2, max_length=500)
    answer: SafeStr = Field(min_length=1, max_length=20000)
    category: SafeStr | None = Field(None, max_length=100)
    related: list[SafeStr] = Field(default_factory=list, max_length=20)


class EntryUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: SafeStr | None = Field(None, min_length=2, max_length=500)
    answer: SafeStr | None = Field(None, min_length=1, max_length=20000)
    category: SafeStr | None = Field(None, max_length=100)
    related: list[SafeStr] | None = Field(None, max_length=20)


class EntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    question: str
    answer: str
    category: str | None
    related: list[str]
    created_at: datetime
    updated_at: datetime


class EntryList(BaseModel):
    items: list[EntryRead]
    total: int


class CategoryCount(BaseModel):
    name: str
    count: int


class CategoryList(BaseModel):
    items: list[CategoryCount]
