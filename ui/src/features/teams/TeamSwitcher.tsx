// The team switcher in the header (a WAI-ARIA menu button, beside the account menu):
// Personal and each of the active account's teams, the one on screen checked; then
// Create a team… and Join a team… (with how many teams there are to join). Choosing
// decides what the main area shows; the choice itself is kept by useTeamView.
import { useMenuButton } from "../../components/useMenuButton";
import { useDiscoverableTeams } from "./queries";
import type { TeamViewState } from "./teamView";

type Props = { accountId: string; state: TeamViewState };

export function TeamSwitcher({ accountId, state }: Props) {
  const menu = useMenuButton();
  const discoverable = useDiscoverableTeams(accountId);
  const toJoin = discoverable.data?.length ?? 0;
  const { view, team, teams, show } = state;
  const current = team?.name ?? "Personal";
  const sorted = [...teams].sort((a, b) => a.name.localeCompare(b.name));

  return (
    <div className="team-switcher" ref={menu.containerRef}>
      <button
        ref={menu.triggerRef}
        type="button"
        className="team-switcher-button"
        aria-label={`${current}, team menu`}
        {...menu.triggerProps}
      >
        <span className="team-switcher-name">{current}</span>
        <span className="team-switcher-caret" aria-hidden="true" />
      </button>
      {menu.open && (
        <div ref={menu.menuRef} role="menu" className="menu team-switcher-menu" {...menu.menuProps}>
          <button
            type="button"
            role="menuitemradio"
            aria-checked={view.kind === "personal"}
            tabIndex={-1}
            className="menu-item menu-account"
            onClick={menu.choose(() => show({ kind: "personal" }))}
          >
            <span className="menu-account-text">
              <span className="menu-account-name">Personal</span>
              <span className="menu-account-detail">Your own workspaces</span>
            </span>
          </button>
          {sorted.map((each) => (
            <button
              key={each.id}
              type="button"
              role="menuitemradio"
              aria-checked={view.kind === "team" && view.teamId === each.id}
              tabIndex={-1}
              className="menu-item menu-account"
              onClick={menu.choose(() => show({ kind: "team", teamId: each.id }))}
            >
              <span className="menu-account-text">
                <span className="menu-account-name">{each.name}</span>
                <span className="menu-account-detail">/t/{each.slug}</span>
              </span>
            </button>
          ))}
          {/* biome-ignore lint/a11y/useSemanticElements: the separator of a WAI-ARIA menu, as its pattern writes it */}
          <div role="separator" className="menu-separator" />
          <button
            type="button"
            role="menuitem"
            tabIndex={-1}
            className="menu-item"
            onClick={menu.choose(() => show({ kind: "create" }))}
          >
            Create a team…
          </button>
          <button
            type="button"
            role="menuitem"
            tabIndex={-1}
            className="menu-item"
            onClick={menu.choose(() => show({ kind: "join" }))}
          >
            Join a team…
            {toJoin > 0 && (
              <>
                <span className="tag tag-accent" aria-hidden="true">
                  {toJoin}
                </span>
                <span className="visually-hidden"> ({toJoin} to join)</span>
              </>
            )}
          </button>
        </div>
      )}
    </div>
  );
}
