// A team role in words, in the order the role selects offer them.
import type { TeamRole } from "../../bindings/TeamRole";

export const roles: { value: TeamRole; label: string }[] = [
  { value: "admin", label: "Admin" },
  { value: "member", label: "Member" },
  { value: "billing_manager", label: "Billing manager" },
];

export function roleLabel(role: TeamRole): string {
  return roles.find((each) => each.value === role)?.label ?? role;
}

/** A person as a list shows them: their name, else their username. */
export function displayName(person: { name: string | null; username: string }): string {
  return person.name?.trim() ? person.name : person.username;
}
