//! The plan catalog as data: the four tiers, the two billing cycles, each tier's
//! per-seat prices and its limits, and [`check_limit`], the one answer to "may this team
//! do that on its plan?" with the upgrade path when it may not. Enforcing the answer
//! (and counting a team's members and workspaces) is the server's job.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::money::Money;

/// A plan tier, cheapest first (the order is the upgrade order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Free,
    Basic,
    Professional,
    Enterprise,
}

impl Tier {
    /// Every tier, cheapest first.
    pub const ALL: [Tier; 4] = [
        Tier::Free,
        Tier::Basic,
        Tier::Professional,
        Tier::Enterprise,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Tier::Free => "Free",
            Tier::Basic => "Basic",
            Tier::Professional => "Professional",
            Tier::Enterprise => "Enterprise",
        }
    }

    /// This tier's entry in the catalog.
    pub fn plan(self) -> &'static Plan {
        match self {
            Tier::Free => &FREE,
            Tier::Basic => &BASIC,
            Tier::Professional => &PROFESSIONAL,
            Tier::Enterprise => &ENTERPRISE,
        }
    }

    /// The price of one seat for one period of `cycle`.
    pub fn seat_price(self, cycle: Cycle) -> Money {
        let plan = self.plan();
        match cycle {
            Cycle::Monthly => plan.monthly_seat_price,
            Cycle::Annual => plan.annual_seat_price,
        }
    }

    /// The price of `seats` seats for one period of `cycle`.
    pub fn price(self, cycle: Cycle, seats: u32) -> Result<Money> {
        self.seat_price(cycle).checked_times(seats)
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How often a subscription renews.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cycle {
    Monthly,
    Annual,
}

impl Cycle {
    /// How many calendar months one period lasts.
    pub fn months(self) -> u32 {
        match self {
            Cycle::Monthly => 1,
            Cycle::Annual => 12,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Cycle::Monthly => "monthly",
            Cycle::Annual => "annual",
        }
    }
}

/// What a tier allows. `None` is "no limit".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    pub max_members: Option<u32>,
    pub max_workspaces: Option<u32>,
    /// Single sign-on through the team's own identity provider.
    pub sso: bool,
    /// A log of who changed what in the team, kept for its admins.
    pub audit_log: bool,
}

/// One catalog entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub tier: Tier,
    pub monthly_seat_price: Money,
    /// Ten months' price: two months free for paying a year ahead.
    pub annual_seat_price: Money,
    pub limits: Limits,
}

const fn plan(tier: Tier, monthly_cents: i64, limits: Limits) -> Plan {
    Plan {
        tier,
        monthly_seat_price: Money::usd(monthly_cents),
        annual_seat_price: Money::usd(monthly_cents * 10),
        limits,
    }
}

const FREE: Plan = plan(
    Tier::Free,
    0,
    Limits {
        max_members: Some(3),
        max_workspaces: Some(3),
        sso: false,
        audit_log: false,
    },
);
const BASIC: Plan = plan(
    Tier::Basic,
    800,
    Limits {
        max_members: Some(25),
        max_workspaces: Some(20),
        sso: false,
        audit_log: false,
    },
);
const PROFESSIONAL: Plan = plan(
    Tier::Professional,
    1_500,
    Limits {
        max_members: None,
        max_workspaces: None,
        sso: false,
        audit_log: true,
    },
);
const ENTERPRISE: Plan = plan(
    Tier::Enterprise,
    3_000,
    Limits {
        max_members: None,
        max_workspaces: None,
        sso: true,
        audit_log: true,
    },
);

/// What a team is about to have or use, checked against its tier's [`Limits`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "limit", content = "count")]
pub enum Usage {
    /// The team would have this many members (pending invitations included).
    Members(u32),
    /// The team would have this many workspaces.
    Workspaces(u32),
    Sso,
    AuditLog,
}

impl Limits {
    /// Whether these limits allow `usage`.
    pub fn allows(&self, usage: Usage) -> bool {
        let within = |count: u32, max: Option<u32>| max.is_none_or(|max| count <= max);
        match usage {
            Usage::Members(count) => within(count, self.max_members),
            Usage::Workspaces(count) => within(count, self.max_workspaces),
            Usage::Sso => self.sso,
            Usage::AuditLog => self.audit_log,
        }
    }
}

/// Why a plan refused a usage, and the cheapest tier that would allow it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitRefusal {
    pub tier: Tier,
    pub usage: Usage,
    /// The cheapest tier allowing the usage; `None` when no tier does.
    pub upgrade_to: Option<Tier>,
}

impl fmt::Display for LimitRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let limits = self.tier.plan().limits;
        let (what, max) = match self.usage {
            Usage::Members(_) => ("members", limits.max_members),
            Usage::Workspaces(_) => ("workspaces", limits.max_workspaces),
            Usage::Sso => ("single sign-on", None),
            Usage::AuditLog => ("the audit log", None),
        };
        match max {
            Some(max) => write!(f, "the {} plan allows up to {max} {what}", self.tier)?,
            None => write!(f, "the {} plan does not include {what}", self.tier)?,
        }
        match self.upgrade_to {
            Some(tier) => write!(f, "; upgrade to {tier} for more"),
            None => f.write_str("; no plan allows more"),
        }
    }
}

/// Allows `usage` on `tier`, or refuses naming the limit and the cheapest tier that
/// allows it.
pub fn check_limit(tier: Tier, usage: Usage) -> Result<()> {
    if tier.plan().limits.allows(usage) {
        return Ok(());
    }
    let upgrade_to = Tier::ALL
        .into_iter()
        .find(|candidate| *candidate > tier && candidate.plan().limits.allows(usage));
    Err(Error::LimitReached(LimitRefusal {
        tier,
        usage,
        upgrade_to,
    }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn annual_costs_ten_months() {
        for tier in Tier::ALL {
            let monthly = tier.seat_price(Cycle::Monthly);
            assert_eq!(
                tier.seat_price(Cycle::Annual),
                monthly.checked_times(10).unwrap()
            );
        }
        assert_eq!(
            Tier::Basic.price(Cycle::Monthly, 5).unwrap(),
            Money::usd(4_000)
        );
        assert_eq!(Tier::Free.price(Cycle::Annual, 3).unwrap(), Money::usd(0));
    }

    #[test]
    fn higher_tiers_cost_more_and_allow_at_least_as_much() {
        for pair in Tier::ALL.windows(2) {
            let [lower, higher] = pair else {
                unreachable!()
            };
            assert!(
                higher.seat_price(Cycle::Monthly).minor()
                    > lower.seat_price(Cycle::Monthly).minor()
            );
            for usage in [
                Usage::Members(1_000),
                Usage::Workspaces(1_000),
                Usage::Sso,
                Usage::AuditLog,
            ] {
                if lower.plan().limits.allows(usage) {
                    assert!(
                        higher.plan().limits.allows(usage),
                        "{higher} refuses {usage:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_refusal_names_the_limit_and_the_cheapest_tier_allowing_it() {
        assert!(check_limit(Tier::Free, Usage::Members(3)).is_ok());
        let error = check_limit(Tier::Free, Usage::Members(4)).unwrap_err();
        assert_eq!(error.kind(), "limit_reached");
        assert_eq!(
            error.to_string(),
            "the Free plan allows up to 3 members; upgrade to Basic for more"
        );

        let error = check_limit(Tier::Basic, Usage::Members(26)).unwrap_err();
        assert_eq!(
            error,
            Error::LimitReached(LimitRefusal {
                tier: Tier::Basic,
                usage: Usage::Members(26),
                upgrade_to: Some(Tier::Professional),
            })
        );

        let error = check_limit(Tier::Basic, Usage::Sso).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the Basic plan does not include single sign-on; upgrade to Enterprise for more"
        );
        assert!(check_limit(Tier::Enterprise, Usage::Sso).is_ok());
        assert!(check_limit(Tier::Professional, Usage::Workspaces(u32::MAX)).is_ok());
    }
}
