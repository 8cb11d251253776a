import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

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

    @model_validator(mode="after")
    def _only_category_may_be_null(self) -> "EntryUpdate":
        # Absent means unchanged; an explicit null question, answer or related list used to reach the index (500).
        for name in ("question", "answer", "related"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} may be left out but not null")
        return self


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
