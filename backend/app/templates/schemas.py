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


class TemplateFieldDef(BaseModel):
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
    def _consistent(self) -> "TemplateFieldDef":
        if self.type == "choice" and not self.options:
            raise ValueError(f"field '{self.name}': a choice needs options")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"field '{self.name}': min is greater than max")
        return self


class TemplateSectionDef(BaseModel):
    """A part of the document: fixed text with `{{ field }}` placeholders, or a question answered from the
    workspace's knowledge (the question may hold placeholders too)."""

    key: Identifier
    title: SafeStr = Field(min_length=1, max_length=200)
    kind: SectionKind = "text"
    body: SafeStr = Field(min_length=1, max_length=20_000)


class TemplateCreate(BaseModel):
    name: SafeStr = Field(min_length=1, max_length=200)
    description: SafeStr = Field("", max_length=2000)
    fields: list[TemplateFieldDef] = Field(default_factory=list, max_length=50)
    sections: list[TemplateSectionDef] = Field(min_length=1, max_length=50)
    note: SafeStr = Field("", max_length=500)


class TemplateUpdate(BaseModel):
    """Any subset; a change of fields or sections makes a new version."""

    name: SafeStr | None = Field(None, min_length=1, max_length=200)
    description: SafeStr | None = Field(None, max_length=2000)
    fields: list[TemplateFieldDef] | None = Field(None, max_length=50)
    sections: list[TemplateSectionDef] | None = Field(None, min_length=1, max_length=50)
    note: SafeStr = Field("", max_length=500)


class TemplateLayoutRead(BaseModel):
    kind: Literal["docx", "hwpx"]
    filename: str


class TemplateRead(BaseModel):
    id: uuid.UUID
    name: str
    description: str
    version: int
    fields: list[TemplateFieldDef]
    sections: list[TemplateSectionDef]
    layout: TemplateLayoutRead | None
    created_at: datetime
    updated_at: datetime


class TemplateList(BaseModel):
    items: list[TemplateRead]


class TemplateVersionRead(BaseModel):
    version: int
    note: str
    fields: list[TemplateFieldDef]
    sections: list[TemplateSectionDef]
    layout: TemplateLayoutRead | None
    created_at: datetime


class TemplateVersionList(BaseModel):
    items: list[TemplateVersionRead]


class GenerateRequest(BaseModel):
    values: dict[Annotated[SafeStr, Field(max_length=40)], Value] = Field(default_factory=dict, max_length=50)
    title: SafeStr | None = Field(None, min_length=1, max_length=200)


class GeneratedSourceRead(BaseModel):
    entry_id: str
    question: str
    category: str | None = None
    score: float = 0.0


class GeneratedSectionRead(BaseModel):
    model_config = ConfigDict(extra="ignore")
    key: str
    title: str
    kind: SectionKind
    content: str
    status: Literal["pending", "complete", "unsupported", "failed"]
    sources: list[GeneratedSourceRead] = Field(default_factory=list)
    provider: str | None = None
    prompt_version_id: str | None = None
    edited: bool = False


class GeneratedDocumentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    template_id: uuid.UUID | None
    template_name: str
    template_version: int
    title: str
    values: dict[str, Value]
    sections: list[GeneratedSectionRead]
    status: Literal["generating", "complete", "failed", "interrupted"]
    revision: int
    created_at: datetime
    updated_at: datetime


class GeneratedDocumentSummary(BaseModel):
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


class GeneratedDocumentList(BaseModel):
    items: list[GeneratedDocumentSummary]
    total: int


class GeneratedSectionEdit(BaseModel):
    key: Identifier
    content: SafeStr = Field(max_length=50_000)


class GeneratedDocumentUpdate(BaseModel):
    title: SafeStr | None = Field(None, min_length=1, max_length=200)
    sections: list[GeneratedSectionEdit] = Field(default_factory=list, max_length=50)


class GeneratedRevisionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    revision: int
    title: str
    sections: list[GeneratedSectionRead]
    note: str
    created_at: datetime


class GeneratedRevisionList(BaseModel):
    items: list[GeneratedRevisionRead]
