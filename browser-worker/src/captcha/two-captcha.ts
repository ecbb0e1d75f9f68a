/**
 * A captcha solver client speaking 2Captcha's JSON API (API v2: createTask,
 * then getTaskResult, with the key as `clientKey` in the POSTed body, so it
 * never sits in a URL that proxies and logs keep). The same client talks to
 * the real service in production (https://api.2captcha.com) and to the
 * sandbox farm's stand-in locally. It polls with a deadline and counts what
 * it solved and what failed, for metrics.
 */
export interface SolverConfig {
  /** e.g. https://api.2captcha.com, or the farm's http://127.0.0.1:8790/__solver */
  baseUrl: string;
  apiKey: string;
  /** Time between polls (2Captcha asks for at least 5 s in production). */
  pollIntervalMs?: number;
  /** Give up after this long. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export type CaptchaTask = { kind: "recaptcha"; siteKey: string; pageUrl: string } | { kind: "hcaptcha"; siteKey: string; pageUrl: string } | { kind: "image"; imageBase64: string };

export class CaptchaError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface SolverStats {
  solved: number;
  failed: number;
}

/** The JSON API's answer: `errorId` 0, or an error code; the rest depends on the method. */
interface ApiAnswer {
  errorId: number;
  errorCode?: string;
  errorDescription?: string;
  taskId?: number;
  status?: "processing" | "ready";
  solution?: { gRecaptchaResponse?: unknown; token?: unknown; text?: unknown };
}

export class TwoCaptchaClient {
  readonly stats: SolverStats = { solved: 0, failed: 0 };
  private readonly fetch: typeof fetch;

  constructor(private readonly config: SolverConfig) {
    this.fetch = config.fetch ?? ((input, init) => fetch(input, init));
  }

  async solve(task: CaptchaTask): Promise<string> {
    try {
      const id = await this.submit(task);
      const answer = await this.poll(id);
      this.stats.solved++;
      return answer;
    } catch (err) {
      this.stats.failed++;
      throw err instanceof CaptchaError ? err : new CaptchaError("ERROR_NETWORK", String(err));
    }
  }

  /** One call of the JSON API: a POST whose body carries the key (never the URL, which proxies and logs keep). */
  private async call(method: "createTask" | "getTaskResult", params: Record<string, unknown>): Promise<ApiAnswer> {
    const res = await this.fetch(`${this.config.baseUrl.replace(/\/$/, "")}/${method}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ clientKey: this.config.apiKey, ...params }),
    });
    if (!res.ok) throw new CaptchaError("ERROR_HTTP", `solver answered HTTP ${res.status}`);
    const data = (await res.json().catch(() => null)) as Partial<ApiAnswer> | null;
    if (!data || typeof data.errorId !== "number") throw new CaptchaError("ERROR_BAD_RESPONSE", "the solver's answer is not 2Captcha's format");
    if (data.errorId !== 0) {
      const code = typeof data.errorCode === "string" && data.errorCode ? data.errorCode : "ERROR_UNKNOWN";
      throw new CaptchaError(code, `the solver refused: ${code}`);
    }
    return data as ApiAnswer;
  }

  private async submit(task: CaptchaTask): Promise<number> {
    const spec =
      task.kind === "recaptcha"
        ? { type: "RecaptchaV2TaskProxyless", websiteURL: task.pageUrl, websiteKey: task.siteKey }
        : task.kind === "hcaptcha"
          ? { type: "HCaptchaTaskProxyless", websiteURL: task.pageUrl, websiteKey: task.siteKey }
          : { type: "ImageToTextTask", body: task.imageBase64 };
    const answer = await this.call("createTask", { task: spec });
    if (typeof answer.taskId !== "number") throw new CaptchaError("ERROR_BAD_RESPONSE", "the solver gave no task id");
    return answer.taskId;
  }

  private async poll(taskId: number): Promise<string> {
    const interval = this.config.pollIntervalMs ?? 5_000;
    const deadline = Date.now() + (this.config.timeoutMs ?? 120_000);
    for (;;) {
      await new Promise((r) => setTimeout(r, interval));
      const answer = await this.call("getTaskResult", { taskId });
      if (answer.status === "ready") {
        const s = answer.solution ?? {};
        const value = [s.gRecaptchaResponse, s.token, s.text].find((v): v is string => typeof v === "string" && v.length > 0);
        if (!value) throw new CaptchaError("ERROR_BAD_RESPONSE", "the solver's solution holds no answer");
        return value;
      }
      if (answer.status !== "processing") throw new CaptchaError("ERROR_BAD_RESPONSE", `the solver's status is ${String(answer.status)}`);
      if (Date.now() > deadline) throw new CaptchaError("ERROR_TIMEOUT", "the solver did not answer in time");
    }
  }
}
