// Teams as server state: one query per reading command, keyed [command, accountId,
// teamId?], and one mutation per changing command that puts its answer into the matching
// query or asks it again. `teams_changed` from Rust refreshes every team query of that
// account (the list, and the changed team's members, invitations, requests, discovery).

import {
  keepPreviousData,
  type QueryClient,
  skipToken,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { useEffect } from "react";

import type { DiscoverableTeam } from "../../bindings/DiscoverableTeam";
import type { DiscoverySettings } from "../../bindings/DiscoverySettings";
import type { Invitation } from "../../bindings/Invitation";
import type { IpcError } from "../../bindings/IpcError";
import type { JoinOutcome } from "../../bindings/JoinOutcome";
import type { JoinRequest } from "../../bindings/JoinRequest";
import type { NewInvitations } from "../../bindings/NewInvitations";
import type { Team } from "../../bindings/Team";
import type { TeamDiscovery } from "../../bindings/TeamDiscovery";
import type { TeamFields } from "../../bindings/TeamFields";
import type { TeamMember } from "../../bindings/TeamMember";
import type { TeamRole } from "../../bindings/TeamRole";
import * as ipc from "../../ipc";

export const teamsKey = (accountId: string) => ["teams", accountId] as const;
export const discoverableKey = (accountId: string) => ["discoverable_teams", accountId] as const;
export const membersKey = (accountId: string, teamId: string) =>
  ["team_members", accountId, teamId] as const;
export const invitationsKey = (accountId: string, teamId: string) =>
  ["team_invitations", accountId, teamId] as const;
export const joinRequestsKey = (accountId: string, teamId: string) =>
  ["join_requests", accountId, teamId] as const;
export const discoveryKey = (accountId: string, teamId: string) =>
  ["team_discovery", accountId, teamId] as const;

/** Every query above: what `teams_changed` refreshes. */
const teamQueries = new Set([
  "teams",
  "discoverable_teams",
  "team_members",
  "team_invitations",
  "join_requests",
  "team_discovery",
]);

/** The account's teams; `accountId` undefined (no signed-in account) asks nothing. */
export const useTeams = (accountId: string | undefined) =>
  useQuery<Team[], IpcError>({
    queryKey: ["teams", accountId],
    queryFn: accountId === undefined ? skipToken : () => ipc.teams(accountId),
    // Changes arrive as teams_changed.
    staleTime: 60_000,
  });

export const useDiscoverableTeams = (accountId: string | undefined) =>
  useQuery<DiscoverableTeam[], IpcError>({
    queryKey: ["discoverable_teams", accountId],
    queryFn: accountId === undefined ? skipToken : () => ipc.discoverableTeams(accountId),
    staleTime: 60_000,
  });

export const useTeamMembers = (accountId: string, teamId: string) =>
  useQuery<TeamMember[], IpcError>({
    queryKey: membersKey(accountId, teamId),
    queryFn: () => ipc.teamMembers(accountId, teamId),
  });

export const useInvitations = (accountId: string, teamId: string) =>
  useQuery<Invitation[], IpcError>({
    queryKey: invitationsKey(accountId, teamId),
    queryFn: () => ipc.teamInvitations(accountId, teamId),
  });

export const useJoinRequests = (accountId: string, teamId: string) =>
  useQuery<JoinRequest[], IpcError>({
    queryKey: joinRequestsKey(accountId, teamId),
    queryFn: () => ipc.joinRequests(accountId, teamId),
  });

export const useTeamDiscovery = (accountId: string, teamId: string) =>
  useQuery<TeamDiscovery, IpcError>({
    queryKey: discoveryKey(accountId, teamId),
    queryFn: () => ipc.teamDiscovery(accountId, teamId),
  });

/** A free team URL for `name` (empty: nothing asked); the last one stays while the next loads. */
export const useTeamUrlSuggestion = (accountId: string, name: string) =>
  useQuery<string, IpcError>({
    queryKey: ["team_url_suggestion", accountId, name],
    queryFn: name.trim() === "" ? skipToken : () => ipc.teamUrlSuggestion(accountId, name),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });

/** Puts a team the account is now in (created, joined, renamed) into its cached list. */
export function cacheTeam(queryClient: QueryClient, accountId: string, team: Team) {
  queryClient.setQueryData<Team[]>(teamsKey(accountId), (teams) => [
    ...(teams ?? []).filter((existing) => existing.id !== team.id),
    team,
  ]);
}

export function useCreateTeam(accountId: string) {
  const queryClient = useQueryClient();
  return useMutation<Team, IpcError, TeamFields>({
    mutationKey: ["create_team", accountId],
    mutationFn: (fields) => ipc.createTeam(accountId, fields),
    onSuccess: (team) => cacheTeam(queryClient, accountId, team),
  });
}

export function useUpdateTeam(accountId: string, teamId: string) {
  const queryClient = useQueryClient();
  return useMutation<Team, IpcError, TeamFields>({
    mutationKey: ["update_team", accountId, teamId],
    mutationFn: (fields) => ipc.updateTeam(accountId, teamId, fields),
    onSuccess: (team) => cacheTeam(queryClient, accountId, team),
  });
}

export function useSetMemberRole(accountId: string, teamId: string) {
  const queryClient = useQueryClient();
  return useMutation<TeamMember, IpcError, { userId: string; role: TeamRole }>({
    mutationKey: ["set_member_role", accountId, teamId],
    mutationFn: ({ userId, role }) => ipc.setMemberRole(accountId, teamId, userId, role),
    onSuccess: (changed) => {
      queryClient.setQueryData<TeamMember[]>(membersKey(accountId, teamId), (members) =>
        members?.map((member) => (member.user_id === changed.user_id ? changed : member)),
      );
      // The caller's own role may have changed with it.
      return queryClient.invalidateQueries({ queryKey: teamsKey(accountId) });
    },
  });
}

export function useRemoveMember(accountId: string, teamId: string) {
  const queryClient = useQueryClient();
  return useMutation<null, IpcError, string>({
    mutationKey: ["remove_member", accountId, teamId],
    mutationFn: (userId) => ipc.removeMember(accountId, teamId, userId),
    onSuccess: (_, userId) =>
      queryClient.setQueryData<TeamMember[]>(membersKey(accountId, teamId), (members) =>
        members?.filter((member) => member.user_id !== userId),
      ),
  });
}

export function useLeaveTeam(accountId: string, teamId: string) {
  const queryClient = useQueryClient();
  return useMutation<null, IpcError, void>({
    mutationKey: ["leave_team", accountId, teamId],
    mutationFn: () => ipc.leaveTeam(accountId, teamId),
    onSuccess: () => {
      queryClient.setQueryData<Team[]>(teamsKey(accountId), (teams) =>
        teams?.filter((team) => team.id !== teamId),
      );
      return queryClient.invalidateQueries({ queryKey: discoverableKey(accountId) });
    },
  });
}

export function useInvite(accountId: string, teamId: string) {
  const queryClient = useQueryClient();
  return useMutation<Invitation[], IpcError, NewInvitations>({
    mutationKey: ["invite", accountId, teamId],
    mutationFn: (invitations) => ipc.invite(accountId, teamId, invitations),
    onSuccess: (sent) => {
      queryClient.setQueryData<Invitation[]>(invitationsKey(accountId, teamId), (pending) => [
        ...sent,
        ...(pending ?? []).filter((old) => !sent.some((invitation) => invitation.id === old.id)),
      ]);
      return queryClient.invalidateQueries({ queryKey: invitationsKey(accountId, teamId) });
    },
  });
}

export function useResendInvitation(accountId: string, teamId: string) {
  const queryClient = useQueryClient();
  return useMutation<Invitation, IpcError, string>({
    mutationKey: ["resend_invitation", accountId, teamId],
    mutationFn: (invitationId) => ipc.resendInvitation(accountId, teamId, invitationId),
    onSuccess: (resent) =>
      queryClient.setQueryData<Invitation[]>(invitationsKey(accountId, teamId), (pending) =>
        pending?.map((invitation) => (invitation.id === resent.id ? resent : invitation)),
      ),
  });
}

export function useCancelInvitation(accountId: string, teamId: string) {
  const queryClient = useQueryClient();
  return useMutation<null, IpcError, string>({
    mutationKey: ["cancel_invitation", accountId, teamId],
    mutationFn: (invitationId) => ipc.cancelInvitation(accountId, teamId, invitationId),
    onSuccess: (_, invitationId) =>
      queryClient.setQueryData<Invitation[]>(invitationsKey(accountId, teamId), (pending) =>
        pending?.filter((invitation) => invitation.id !== invitationId),
      ),
  });
}

export function useSetTeamDiscovery(accountId: string, teamId: string) {
  const queryClient = useQueryClient();
  return useMutation<TeamDiscovery, IpcError, DiscoverySettings>({
    mutationKey: ["set_team_discovery", accountId, teamId],
    mutationFn: (settings) => ipc.setTeamDiscovery(accountId, teamId, settings),
    onSuccess: (saved) => queryClient.setQueryData(discoveryKey(accountId, teamId), saved),
  });
}

export function useJoinTeam(accountId: string) {
  const queryClient = useQueryClient();
  return useMutation<JoinOutcome, IpcError, string>({
    mutationKey: ["join_team", accountId],
    mutationFn: (teamId) => ipc.joinTeam(accountId, teamId),
    onSuccess: (outcome, teamId) => {
      if (outcome.outcome === "joined") cacheTeam(queryClient, accountId, outcome.team);
      queryClient.setQueryData<DiscoverableTeam[]>(discoverableKey(accountId), (found) =>
        outcome.outcome === "joined"
          ? found?.filter((team) => team.id !== teamId)
          : found?.map((team) => (team.id === teamId ? { ...team, request_pending: true } : team)),
      );
    },
  });
}

export function useWithdrawJoinRequest(accountId: string) {
  const queryClient = useQueryClient();
  return useMutation<null, IpcError, string>({
    mutationKey: ["withdraw_join_request", accountId],
    mutationFn: (teamId) => ipc.withdrawJoinRequest(accountId, teamId),
    onSuccess: (_, teamId) =>
      queryClient.setQueryData<DiscoverableTeam[]>(discoverableKey(accountId), (found) =>
        found?.map((team) => (team.id === teamId ? { ...team, request_pending: false } : team)),
      ),
  });
}

export function useApproveJoinRequest(accountId: string, teamId: string) {
  const queryClient = useQueryClient();
  return useMutation<TeamMember, IpcError, string>({
    mutationKey: ["approve_join_request", accountId, teamId],
    mutationFn: (requestId) => ipc.approveJoinRequest(accountId, teamId, requestId),
    onSuccess: (_, requestId) => {
      dropJoinRequest(queryClient, accountId, teamId, requestId);
      return queryClient.invalidateQueries({ queryKey: membersKey(accountId, teamId) });
    },
  });
}

export function useDeclineJoinRequest(accountId: string, teamId: string) {
  const queryClient = useQueryClient();
  return useMutation<null, IpcError, string>({
    mutationKey: ["decline_join_request", accountId, teamId],
    mutationFn: (requestId) => ipc.declineJoinRequest(accountId, teamId, requestId),
    onSuccess: (_, requestId) => dropJoinRequest(queryClient, accountId, teamId, requestId),
  });
}

function dropJoinRequest(
  queryClient: QueryClient,
  accountId: string,
  teamId: string,
  requestId: string,
) {
  queryClient.setQueryData<JoinRequest[]>(joinRequestsKey(accountId, teamId), (requests) =>
    requests?.filter((request) => request.id !== requestId),
  );
}

/** Refetches an account's team queries when Rust says one of its teams changed. Mounted once, in App. */
export function useTeamsEvents() {
  const queryClient = useQueryClient();
  useEffect(
    () =>
      ipc.subscribe("teams_changed", ({ accountId }) => {
        void queryClient.invalidateQueries({
          predicate: ({ queryKey }) =>
            teamQueries.has(String(queryKey[0])) && queryKey[1] === accountId,
        });
      }),
    [queryClient],
  );
}
