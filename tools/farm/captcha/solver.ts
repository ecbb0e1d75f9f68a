/**
 * A stand-in captcha solving service speaking 2Captcha's wire format, so the
 * browser worker's solver client runs unchanged against the farm:
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
