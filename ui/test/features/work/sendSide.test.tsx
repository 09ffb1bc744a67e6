// The editor's send side against the fake IPC: form-data rows become files through the
// open dialog, Copy as curl keeps names unless values are picked, and the Settings tab
// saves the workspace's send options.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { FormField } from "../../../src/bindings/FormField";
import type { RequestSpec } from "../../../src/bindings/RequestSpec";
import { CopyAsCurl } from "../../../src/features/work/CopyAsCurl";
import { FormDataTable } from "../../../src/features/work/FormDataTable";
import { SendSettings } from "../../../src/features/work/SendSettings";
import { ipc, resetIpc } from "../../fakeIpc";

vi.mock("../../../src/ipc", () => import("../../fakeIpc").then((m) => m.fakeIpcModule));

beforeEach(() => resetIpc());

function Fields({ seen }: { seen: (fields: FormField[]) => void }) {
  const [fields, setFields] = useState<FormField[]>([]);
  return (
    <FormDataTable
      fields={fields}
      onChange={(next) => {
        seen(next);
        setFields(next);
      }}
    />
  );
}

describe("send side", () => {
  it("a form-data row becomes a file chosen in the open dialog", async () => {
    const user = userEvent.setup();
    ipc.chooseOpenFile.mockResolvedValue("/tmp/report.pdf");
    let last: FormField[] = [];
    render(<Fields seen={(fields) => (last = fields)} />);
    await user.type(screen.getByLabelText("Form-data key 1"), "doc");
    await user.selectOptions(screen.getByLabelText("Form-data type 1"), "file");
    await user.click(screen.getByRole("button", { name: "Choose file for field 1" }));
    await waitFor(() => expect(screen.getByText("/tmp/report.pdf")).toBeTruthy());
    expect(last).toEqual([
      {
        key: "doc",
        value: { kind: "file", path: "/tmp/report.pdf" },
        enabled: true,
        description: null,
      },
    ]);
  });

  it("Copy as curl keeps names unless values are picked from the menu", async () => {
    const user = userEvent.setup();
    ipc.copyAsCurl.mockImplementation(async (_w, _r, _s, resolve) =>
      resolve ? "curl https://api.example.com" : "curl https://{{host}}",
    );
    const spec = { url: "https://{{host}}" } as RequestSpec;
    render(<CopyAsCurl workspaceId="ws-pad" requestId="req-1" spec={spec} />);
    await user.click(screen.getByRole("button", { name: "Copy as curl" }));
    const copied = await screen.findByLabelText("Copied curl command");
    expect((copied as HTMLTextAreaElement).value).toBe("curl https://{{host}}");
    expect(ipc.copyAsCurl).toHaveBeenLastCalledWith("ws-pad", "req-1", spec, false);

    await user.click(screen.getByRole("button", { name: "More ways to copy" }));
    await user.click(screen.getByRole("menuitem"));
    await waitFor(() =>
      expect((screen.getByLabelText("Copied curl command") as HTMLTextAreaElement).value).toBe(
        "curl https://api.example.com",
      ),
    );
    expect(ipc.copyAsCurl).toHaveBeenLastCalledWith("ws-pad", "req-1", spec, true);
  });

  it("the Settings tab saves the workspace's options and refuses a timeout that is not a number", async () => {
    const user = userEvent.setup();
    ipc.setSendOptions.mockImplementation(async (_w, options) => options);
    const client = new QueryClient();
    const options = { timeout_ms: 30_000, follow_redirects: true, verify_tls: true };
    render(
      <QueryClientProvider client={client}>
        <SendSettings workspaceId="ws-pad" options={options} />
      </QueryClientProvider>,
    );
    await user.click(screen.getByLabelText("Verify TLS certificates"));
    expect(ipc.setSendOptions).toHaveBeenLastCalledWith("ws-pad", {
      ...options,
      verify_tls: false,
    });

    const timeout = screen.getByLabelText("Timeout in milliseconds");
    await user.clear(timeout);
    await user.type(timeout, "soon{Enter}");
    expect(screen.getByRole("alert").textContent).toContain("whole number of milliseconds");
    await user.clear(timeout);
    await user.type(timeout, "0{Enter}");
    expect(ipc.setSendOptions).toHaveBeenLastCalledWith("ws-pad", { ...options, timeout_ms: 0 });
  });
});
