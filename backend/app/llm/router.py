"""GET /models: the model catalogue, as workspace settings may choose from it."""

from fastapi import APIRouter

from app.core.deps import CurrentUser
from app.llm.schemas import ModelList
from app.llm.service import list_choices

router = APIRouter(tags=["models"])


@router.get("/models", response_model=ModelList)
async def list_models(_: CurrentUser):
    """Chat and embedding models a workspace can choose, and whether this server can run them."""
    return list_choices()
