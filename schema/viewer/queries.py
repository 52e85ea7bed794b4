import strawberry

from schema.core.authz import Public
from schema.core.context import Info
from schema.viewer.types import Viewer


@strawberry.type
class ViewerQueries:
    @strawberry.field(extensions=[Public()])
    def me(self, info: Info) -> Viewer:
        return Viewer(role=info.context.viewer.role)
