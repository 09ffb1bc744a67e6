// Support: Submit a request (category, subject, description) and the person's requests
// with their status, newest first.
import { type FormEvent, useState } from "react";

import type { AccountView } from "../../bindings/AccountView";
import type { SupportCategory } from "../../bindings/SupportCategory";
import type { SupportRequest } from "../../bindings/SupportRequest";
import type { SupportStatus } from "../../bindings/SupportStatus";
import { RelativeTime } from "../../components/RelativeTime";
import {
  CommandProblem,
  FieldMessage,
  FormStatus,
  fieldErrors,
  QueryGate,
  TextField,
} from "./forms";
import { useSubmitSupportRequest, useSupportRequests } from "./queries";

const categories: Record<SupportCategory, string> = {
  account: "Account",
  billing: "Billing",
  bug: "Something is broken",
  feature_request: "Feature request",
  other: "Other",
};

const statuses: Record<SupportStatus, string> = {
  open: "Open",
  answered: "Answered",
  closed: "Closed",
};

export function SupportSection({ account }: { account: AccountView }) {
  return (
    <>
      <SupportForm account={account} />
      <h3 className="settings-subtitle">Your requests</h3>
      <QueryGate
        query={useSupportRequests(account.id)}
        loading="Loading your requests"
        failed="Could not load your requests"
      >
        {(requests) => <RequestList requests={requests} />}
      </QueryGate>
    </>
  );
}

function RequestList({ requests }: { requests: SupportRequest[] }) {
  return (
    <>
      {requests.length === 0 ? (
        <p className="field-hint">You have not asked for help yet.</p>
      ) : (
        <ul className="support-list" aria-label="Your requests">
          {[...requests]
            .sort((a, b) => b.created_at - a.created_at)
            .map((request) => (
              <li
                key={request.id}
                className="support-row"
                aria-label={`${request.subject}, ${statuses[request.status]}`}
              >
                <div className="support-text">
                  <span className="support-subject">{request.subject}</span>
                  <span className="session-detail">
                    {categories[request.category]} · <RelativeTime at={request.created_at} />
                  </span>
                </div>
                <span className={`tag tag-status-${request.status}`}>
                  {statuses[request.status]}
                </span>
              </li>
            ))}
        </ul>
      )}
    </>
  );
}

function SupportForm({ account }: { account: AccountView }) {
  const submit = useSubmitSupportRequest(account.id);
  const [category, setCategory] = useState<SupportCategory>("account");
  const [subject, setSubject] = useState("");
  const [description, setDescription] = useState("");
  const errors = submit.isError ? fieldErrors(submit.error) : {};
  const ready = subject.trim() !== "" && description.trim() !== "";

  const send = (event: FormEvent) => {
    event.preventDefault();
    if (!ready || submit.isPending) return;
    submit.mutate(
      { category, subject: subject.trim(), description: description.trim() },
      {
        onSuccess: () => {
          setSubject("");
          setDescription("");
        },
      },
    );
  };

  return (
    <form className="settings-form" onSubmit={send} aria-label="Submit a request" noValidate>
      <h3 className="settings-subtitle">Submit a request</h3>
      <CommandProblem
        error={submit.error}
        what="Could not submit your request"
        accountId={account.id}
        shownFields={["category", "subject", "description"]}
      />
      <div className="form-field">
        <label htmlFor="support-category" className="field-label">
          Category
        </label>
        <select
          id="support-category"
          name="category"
          className="input"
          value={category}
          aria-invalid={errors["category"] ? true : undefined}
          aria-describedby={errors["category"] ? "support-category-message" : undefined}
          onChange={(event) => setCategory(event.target.value as SupportCategory)}
        >
          {Object.entries(categories).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        <FieldMessage id="support-category-message" error={errors["category"]} />
      </div>
      <TextField
        label="Subject"
        name="subject"
        value={subject}
        onChange={setSubject}
        error={errors["subject"]}
        maxLength={200}
      />
      <TextField
        label="Description"
        name="description"
        multiline
        value={description}
        onChange={setDescription}
        error={errors["description"]}
        hint="What happened, what you expected, and the steps to see it."
        maxLength={10000}
      />
      <div className="form-actions">
        <button
          type="submit"
          className="button button-primary"
          disabled={!ready || submit.isPending}
        >
          {submit.isPending ? "Submitting…" : "Submit request"}
        </button>
        <FormStatus>{submit.isSuccess ? "Request submitted." : ""}</FormStatus>
      </div>
    </form>
  );
}
