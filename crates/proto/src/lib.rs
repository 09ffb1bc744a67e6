//! Wire types shared by `courier-server` and its clients: the JSON error body, OpenID
//! discovery metadata, user info, and the account API's documents (profile, sessions,
//! events, support, teams, workspace sync). Serde only; no behaviour. Feature `openapi` derives the schemas
//! the server's OpenAPI document is built from; `ts` exports TypeScript for the UI.

mod account;
mod billing;
mod discovery;
mod error;
mod keys;
mod sessions;
mod support;
mod sync;
mod teams;
mod user;

pub use account::{
    DeliveryChannels, EmailChange, NotificationPreferences, PasswordChange, Profile, ProfileUpdate,
    PublicProfile,
};
pub use billing::{
    Amount, BillingCycle, BillingEmailChange, BillingOverview, CardChange, CardInput, CardOnFile,
    ChargeBreakdown, ChargeLine, InvoiceDetail, InvoicePage, InvoiceStatus, InvoiceSummary,
    PaymentResult, PaymentStanding, PendingPayment, PlanChangeConfirmation, PlanChangeOutcome,
    PlanChangePreview, PlanChangeRequest, PlanChoice, PlanOffer, PlanTier, ScheduledChange,
};
pub use discovery::ProviderMetadata;
pub use error::{ErrorBody, ErrorKind, FieldError, OAuthErrorBody};
pub use keys::{
    AccountKey, MAX_KEY_TEXT, MAX_WRAPPED_PER_PUBLISH, MemberKey, NewAccountKey,
    PublishWorkspaceKey, WorkspaceKeys, WrappedFor, WrappedKey,
};
pub use sessions::{RevokedSessions, ServerEvent, Session, SessionKind};
pub use support::{NewSupportRequest, SupportCategory, SupportRequest, SupportStatus};
pub use sync::{
    EntityFields, EntityKind, MAX_PUSH_OPERATIONS, NewSyncedWorkspace, OperationOutcome,
    PushOperations, PushOutcome, SyncOperation, SyncedEntity, SyncedWorkspace, WorkspaceChanges,
};
pub use teams::{
    DiscoverableTeam, DiscoverySettings, EmailAddress, Invitation, InvitationAcceptance,
    JoinOutcome, JoinPolicy, JoinRequest, NewInvitations, RoleChange, Team, TeamDiscovery,
    TeamFields, TeamMember, TeamRole,
};
pub use user::UserInfo;

/// The OAuth client id of Courier's own desktop app and CLI (a public native client).
pub const DESKTOP_CLIENT_ID: &str = "courier-desktop";
