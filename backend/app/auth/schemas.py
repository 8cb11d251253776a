import uuid

from pydantic import BaseModel, ConfigDict, Field

from app.core.types import SafeStr


class LoginRequest(BaseModel):
    email: SafeStr = Field(min_length=3, max_length=320)
    password: SafeStr = Field(min_length=1, max_length=200)


class RefreshRequest(BaseModel):
    refresh_token: SafeStr = Field(min_length=10, max_length=200)


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    email: str
    name: str
    is_admin: bool
    is_active: bool


class PasswordChange(BaseModel):
    current_password: SafeStr = Field(min_length=1, max_length=200)
    new_password: SafeStr = Field(min_length=8, max_length=200)


class PasswordResetRedeem(BaseModel):
    token: SafeStr = Field(min_length=10, max_length=200)
    new_password: SafeStr = Field(min_length=8, max_length=200)
