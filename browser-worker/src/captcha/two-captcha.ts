/**
 * A captcha solver client speaking 2Captcha's HTTP API (in.php / res.php,
 * json=1). The same client talks to the real service in production and to
 * the sandbox farm's stand-in locally. It polls with a deadline and counts
 * what it solved and what failed, for metrics.
 */
export interface SolverConfig {
  /** e.g. https://2captcha.com, or the farm's http://127.0.0.1:8790/__solver */
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

interface ApiAnswer {
  status: 0 | 1;
  request: string;
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

  private url(endpoint: "in.php" | "res.php"): string {
    return `${this.config.baseUrl.replace(/\/$/, "")}/${endpoint}`;
  }

  private async call(endpoint: "in.php" | "res.php", params: Record<string, string>, method: "GET" | "POST"): Promise<ApiAnswer> {
    const body = new URLSearchParams({ key: this.config.apiKey, json: "1", ...params });
    const res =
      method === "POST" ? await this.fetch(this.url(endpoint), { method, body, headers: { "content-type": "application/x-www-form-urlencoded" } }) : await this.fetch(`${this.url(endpoint)}?${body}`);
    if (!res.ok) throw new CaptchaError("ERROR_HTTP", `solver answered HTTP ${res.status}`);
    const data = (await res.json()) as Partial<ApiAnswer>;
    if (typeof data.request !== "string" || (data.status !== 0 && data.status !== 1)) {
      throw new CaptchaError("ERROR_BAD_RESPONSE", "the solver's answer is not 2Captcha's format");
    }
    return data as ApiAnswer;
  }

  private async submit(task: CaptchaTask): Promise<string> {
    const params: Record<string, string> =
      task.kind === "recaptcha"
        ? { method: "userrecaptcha", googlekey: task.siteKey, pageurl: task.pageUrl }
        : task.kind === "hcaptcha"
          ? { method: "hcaptcha", sitekey: task.siteKey, pageurl: task.pageUrl }
          : { method: "base64", body: task.imageBase64 };
    const answer = await this.call("in.php", params, "POST");
    if (answer.status !== 1) throw new CaptchaError(answer.request, `the solver refused the task: ${answer.request}`);
    return answer.request;
  }

  private async poll(id: string): Promise<string> {
    const interval = this.config.pollIntervalMs ?? 5_000;
    const deadline = Date.now() + (this.config.timeoutMs ?? 120_000);
    for (;;) {
      await new Promise((r) => setTimeout(r, interval));
      const answer = await this.call("res.php", { action: "get", id }, "GET");
      if (answer.status === 1) return answer.request;
      if (answer.request !== "CAPCHA_NOT_READY") throw new CaptchaError(answer.request, `the solver failed: ${answer.request}`);
      if (Date.now() > deadline) throw new CaptchaError("ERROR_TIMEOUT", "the solver did not answer in time");
    }
  }
}
