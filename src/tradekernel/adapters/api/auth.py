"""Token authentication: a control token (read and control) and a read-only token.

`tradekernel serve` reads the tokens from the environment (`TRADEKERNEL_API_TOKEN`,
`TRADEKERNEL_API_READ_TOKEN`). A client presents one as `Authorization: Bearer <token>`
or, for the dashboard in a browser, as the `tradekernel_token` cookie set by the login
page. With no control token authentication is off, which `serve` allows on loopback only.
"""

import enum
import hmac

import attrs
from fastapi import HTTPException, Request

COOKIE_NAME = "tradekernel_token"


class Access(enum.Enum):
    READ = "read"
    CONTROL = "control"


@attrs.frozen(kw_only=True)
class ApiTokens:
    """The accepted tokens; `control` None turns authentication off."""

    control: str | None = attrs.field(default=None, repr=False)
    read: str | None = attrs.field(default=None, repr=False)

    @property
    def enabled(self) -> bool:
        return self.control is not None

    def access(self, presented: str | None) -> Access | None:
        """Return what a presented token allows (None: nothing)."""
        if self.control is None:
            return Access.CONTROL
        if presented is None:
            return None
        # Constant-time comparisons, so a token cannot be guessed from response times.
        if hmac.compare_digest(presented.encode(), self.control.encode()):
            return Access.CONTROL
        if self.read is not None and hmac.compare_digest(presented.encode(), self.read.encode()):
            return Access.READ
        return None


def presented_token(request: Request) -> str | None:
    """Return the token a request carries (bearer header first, then the cookie)."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.cookies.get(COOKIE_NAME) or None


def access_of(request: Request) -> Access | None:
    """Return what the request's token allows under the app's tokens."""
    tokens: ApiTokens = request.app.state.tokens
    return tokens.access(presented_token(request))


def require_read(request: Request) -> Access:
    """Admit a request holding either token (a FastAPI dependency).

    Raises:
        HTTPException: 401 without a valid token.
    """
    access = access_of(request)
    if access is None:
        raise HTTPException(
            status_code=401,
            detail="a valid token is required",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return access


def require_control(request: Request) -> Access:
    """Admit a request holding the control token (a FastAPI dependency).

    Raises:
        HTTPException: 401 without a valid token, 403 with the read-only token.
    """
    access = require_read(request)
    if access is not Access.CONTROL:
        raise HTTPException(status_code=403, detail="the read-only token cannot change a bot")
    return access
