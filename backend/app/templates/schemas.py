"""Request and response shapes of templates and generated documents."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.core.types import SafeStr

Identifier = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,39}$")]
FieldType = Literal["text", "long_text", "number", "date", "choice"]
SectionKind = Literal["text", "knowledge"]
Value = SafeStr | int | float | bool | None


class FieldDef(BaseModel):
    """A typed input of a template. `min`/`max` bound a number's value, or a text's length in characters."""

    name: Identifier
    label: SafeStr = Field(min_length=1, max_length=100)
    type: FieldType = "text"
    required: bool = False
    min: float | None = Field(None, ge=-1e15, le=1e15)
    max: float | None = Field(None, ge=-1e15, le=1e15)
    options: list[Annotated[SafeStr, Field(min_length=1, max_length=200)]] = Field(default_factory=list,
                                                                                   max_length=50)
    help: SafeStr = Field("", max_length=300)

    @model_validator(mode="after")
    def _consistent(self) -> "FieldDef":
        if self.type == "choice" and not self.options:
            raise ValueError(f"field '{self.name}': a choice needs options")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"field '{self.name}': min is greater than max")
        return self


class SectionDef(BaseModel):
    """A part of the document: fixed text with `{{ field }}` placeholders, or a question answered from the
    workspace's knowledge (the question may hold placeholders too)."""

    key: Identifier
    title: SafeStr = Field(min_length=1, max_length=200)
    kind: SectionKind = "text"
    body: SafeStr = Field(min_length=1, max_length=20_000)


class TemplateCreate(BaseModel):
    name: SafeStr = Field(min_length=1, max_length=200)
    description: SafeStr = Field("", max_length=2000)
    fields: list[FieldDef] = Field(default_factory=list, max_length=50)
    sections: list[SectionDef] = Field(min_length=1, max_length=50)
    note: SafeStr = Field("", max_length=500)


class TemplateUpdate(BaseModel):
    """Any subset; a change of fields or sections makes a new version."""

    name: SafeStr | None = Field(None, min_length=1, max_length=200)
    description: SafeStr | None = Field(None, max_length=2000)
    fields: list[FieldDef] | None = Field(None, max_length=50)
    sections: list[SectionDef] | None = Field(None, min_length=1, max_length=50)
    note: SafeStr = Field("", max_length=500)


class LayoutRead(BaseModel):
    kind: Literal["docx", "hwpx"]
    filename: str


class TemplateRead(BaseModel):
    id: uuid.UUID
    name: str
    description: str
    version: int
    fields: list[FieldDef]
    sections: list[SectionDef]
    layout: LayoutRead | None
    created_at: datetime
    updated_at: datetime


class TemplateList(BaseModel):
    items: list[TemplateRead]


class VersionRead(BaseModel):
    version: int
    note: str
    fields: list[FieldDef]
    sections: list[SectionDef]
    layout: LayoutRead | None
    created_at: datetime


class VersionList(BaseModel):
    items: list[VersionRead]


class GenerateRequest(BaseModel):
    values: dict[Annotated[SafeStr, Field(max_length=40)], Value] = Field(default_factory=dict, max_length=50)
    title: SafeStr | None = Field(None, min_length=1, max_length=200)


class SectionSourceRead(BaseModel):
    entry_id: str
    question: str
    category: str | None = None
    score: float = 0.0


class SectionRead(BaseModel):
    model_config = ConfigDict(extra="ignore")
    key: str
    title: str
    kind: SectionKind
    content: str
    status: Literal["pending", "complete", "unsupported", "failed"]
    sources: list[SectionSourceRead] = Field(default_factory=list)
    provider: str | None = None
    prompt_version_id: str | None = None
    edited: bool = False


class DocumentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    template_id: uuid.UUID | None
    template_name: str
    template_version: int
    title: str
    values: dict[str, Value]
    sections: list[SectionRead]
    status: Literal["generating", "complete", "failed", "interrupted"]
    revision: int
    created_at: datetime
    updated_at: datetime


class DocumentSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    template_id: uuid.UUID | None
    template_name: str
    template_version: int
    title: str
    status: str
    revision: int
    created_at: datetime
    updated_at: datetime


class DocumentList(BaseModel):
    items: list[DocumentSummary]
    total: int


class SectionEdit(BaseModel):
    key: Identifier
    content: SafeStr = Field(max_length=50_000)


class DocumentUpdate(BaseModel):
    title: SafeStr | None = Field(None, min_length=1, max_length=200)
    sections: list[SectionEdit] = Field(default_factory=list, max_length=50)


class RevisionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    revision: int
    title: str
    sections: list[SectionRead]
    note: str
    created_at: datetime


class RevisionList(BaseModel):
    items: list[RevisionRead]
