/**
 * A stand-in captcha solving service speaking 2Captcha's wire formats, so the
 * browser worker's solver client runs unchanged against the farm. The JSON
 * API (API v2, what the worker uses: the key travels in the body, never in a
 * URL):
 *   POST /__solver/createTask      {clientKey, task: {type: RecaptchaV2TaskProxyless | HCaptchaTaskProxyless,
 *                                   websiteURL, websiteKey} | {type: ImageToTextTask, body}}
 *                                  → {errorId: 0, taskId}
 *   POST /__solver/getTaskResult   {clientKey, taskId} → {errorId: 0, status: "processing"}, then
 *                                  {errorId: 0, status: "ready", solution: {gRecaptchaResponse, token} | {text}}
 *   errors                         {errorId: >0, errorCode, errorDescription}
 * And the older form API:
 *   POST|GET /__solver/in.php  key, method=userrecaptcha&googlekey&pageurl
 *                              | method=hcaptcha&sitekey&pageurl
 *                              | method=base64&body=<base64 image> | method=post (multipart `file`)
 *                              → "OK|<id>"   (json=1 → {"status":1,"request":"<id>"})
 *   GET /__solver/res.php      key, action=get&id=<id> → "CAPCHA_NOT_READY" then "OK|<answer or token>"
 *                              action=getbalance → "9.9900"; action=reportbad|reportgood → "OK_REPORT_RECORDED"
 * Images are "read" by recognising the farm's own challenges; tokens are
 * issued for the site key given and accepted once by that directory.
 */
import type { Reply } from "../http.ts";
import { json, text } from "../http.ts";
import type { CaptchaService } from "./service.ts";

function answer(params: URLSearchParams, status: 0 | 1, request: string): Reply {
  if (params.get("json") === "1") return json({ status, request });
  return text(status ? `OK|${request}` : request);
}

/** Handles `/__solver/<endpoint>` with query and body parameters merged into `params`. */
export function handleSolver(endpoint: string, params: URLSearchParams, file: Buffer | undefined, captchas: CaptchaService): Reply {
  if (!params.get("key")) return answer(params, 0, "ERROR_KEY_DOES_NOT_EXIST");
  if (endpoint === "in.php") return submitTask(params, file, captchas);
  if (endpoint === "res.php") return result(params, captchas);
  return text("ERROR_BAD_PARAMETERS", 404);
}

function submitTask(params: URLSearchParams, file: Buffer | undefined, captchas: CaptchaService): Reply {
  const method = params.get("method") ?? "";
  if (method === "userrecaptcha" || method === "hcaptcha") {
    const siteKey = params.get(method === "userrecaptcha" ? "googlekey" : "sitekey") ?? "";
    if (!siteKey) return answer(params, 0, method === "userrecaptcha" ? "ERROR_GOOGLEKEY" : "ERROR_SITEKEY");
    if (!params.get("pageurl")) return answer(params, 0, "ERROR_PAGEURL");
    return answer(params, 1, captchas.createTask({ result: captchas.issueToken(siteKey) }));
  }
  if (method === "base64" || method === "post") {
    const bytes = method === "base64" ? Buffer.from(params.get("body") ?? "", "base64") : file;
    if (!bytes || bytes.length < 16) return answer(params, 0, "ERROR_ZERO_CAPTCHA_FILESIZE");
    const solved = captchas.recognise(bytes);
    return answer(params, 1, captchas.createTask(solved ? { result: solved } : { error: "ERROR_CAPTCHA_UNSOLVABLE" }));
  }
  return answer(params, 0, "ERROR_BAD_PARAMETERS");
}

const jsonError = (errorId: number, errorCode: string, errorDescription: string): Reply => json({ errorId, errorCode, errorDescription });

/** Handles the JSON API's `/__solver/createTask` and `/__solver/getTaskResult` (body already parsed, or null when it was not JSON). */
export function handleSolverJson(endpoint: "createTask" | "getTaskResult", body: unknown, captchas: CaptchaService): Reply {
  const request = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  if (typeof request.clientKey !== "string" || !request.clientKey) return jsonError(1, "ERROR_KEY_DOES_NOT_EXIST", "The API key is missing or wrong");
  if (endpoint === "getTaskResult") {
    const state = captchas.poll(String(request.taskId ?? ""));
    if (state.state === "not-ready") return json({ errorId: 0, status: "processing" });
    if (state.state === "error") return jsonError(12, state.error, "The task could not be completed");
    return json({ errorId: 0, status: "ready", solution: { gRecaptchaResponse: state.result, token: state.result, text: state.result } });
  }
  const task = (request.task && typeof request.task === "object" ? request.task : {}) as Record<string, unknown>;
  const field = (name: string) => (typeof task[name] === "string" ? (task[name] as string) : "");
  if (task.type === "RecaptchaV2TaskProxyless" || task.type === "HCaptchaTaskProxyless") {
    if (!field("websiteURL")) return jsonError(5, "ERROR_PAGEURL", "websiteURL is missing");
    if (!field("websiteKey")) return jsonError(5, task.type === "RecaptchaV2TaskProxyless" ? "ERROR_GOOGLEKEY" : "ERROR_SITEKEY", "websiteKey is missing");
    return json({ errorId: 0, taskId: Number(captchas.createTask({ result: captchas.issueToken(field("websiteKey")) })) });
  }
  if (task.type === "ImageToTextTask") {
    const bytes = Buffer.from(field("body"), "base64");
    if (bytes.length < 16) return jsonError(5, "ERROR_ZERO_CAPTCHA_FILESIZE", "The image is empty or too small");
    const solved = captchas.recognise(bytes);
    return json({ errorId: 0, taskId: Number(captchas.createTask(solved ? { result: solved } : { error: "ERROR_CAPTCHA_UNSOLVABLE" })) });
  }
  return jsonError(5, "ERROR_TASK_NOT_SUPPORTED", "The task type is not supported");
}

function result(params: URLSearchParams, captchas: CaptchaService): Reply {
  const action = params.get("action");
  if (action === "getbalance") return params.get("json") === "1" ? json({ status: 1, request: "9.9900" }) : text("9.9900");
  if (action === "reportbad" || action === "reportgood") return params.get("json") === "1" ? json({ status: 1, request: "OK_REPORT_RECORDED" }) : text("OK_REPORT_RECORDED");
  if (action !== "get") return answer(params, 0, "ERROR_BAD_PARAMETERS");
  const id = params.get("id") ?? "";
  if (!/^\d+$/.test(id)) return answer(params, 0, "ERROR_WRONG_ID_FORMAT");
  const state = captchas.poll(id);
  if (state.state === "not-ready") return answer(params, 0, "CAPCHA_NOT_READY");
  if (state.state === "error") return answer(params, 0, state.error);
  return answer(params, 1, state.result);
}
