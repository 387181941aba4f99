// Talking to the appliance: JSON calls with the signed-in user's token (refreshed once on a 401),
// Server-Sent Events read from a fetch body, and uploads with progress. Only same-origin paths.

const KEY = "ragbot.session";

export class ApiError extends Error {
  constructor(status, message, retryAfter = null, body = null) {
    super(message);
    this.status = status;
    this.retryAfter = retryAfter; // seconds, from the Retry-After header
    this.body = body;
  }
}

let session = load();
let refreshing = null;
const lostListeners = [];

function load() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY)) || null;
  } catch {
    return null;
  }
}

export function getSession() {
  return session;
}

export function setSession(value) {
  session = value;
  if (value) sessionStorage.setItem(KEY, JSON.stringify(value));
  else sessionStorage.removeItem(KEY);
}

/** Called when the server no longer accepts our tokens: the app returns to sign-in. */
export function onSessionLost(fn) {
  lostListeners.push(fn);
}

function parseRetryAfter(value) {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, (at - Date.now()) / 1000);
}

const FALLBACK = {
  400: "The request was not accepted.",
  401: "Please sign in.",
  403: "You are not allowed to do that.",
  404: "Not found.",
  413: "The file is too large.",
  429: "Too many requests.",
  503: "The appliance is busy.",
};

export async function errorFrom(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    /* not JSON */
  }
  const message = (body && (body.error || body.detail)) || FALLBACK[response.status] || `Error ${response.status}`;
  return new ApiError(response.status, message, parseRetryAfter(response.headers.get("Retry-After")), body);
}

function send(path, {method = "GET", json, body, signal, headers = {}} = {}) {
  const all = {Accept: "application/json", ...headers};
  if (json !== undefined) {
    all["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  }
  if (session?.access_token) all.Authorization = `Bearer ${session.access_token}`;
  return fetch(path, {method, headers: all, body, signal, credentials: "same-origin"});
}

/** Trade the refresh token for new tokens; several callers share one attempt. */
export function refresh() {
  if (!session?.refresh_token) return Promise.resolve(false);
  refreshing ??= (async () => {
    try {
      const response = await send("/api/v1/auth/refresh", {method: "POST", json: {refresh_token: session.refresh_token}});
      if (!response.ok) return false;
      const tokens = await response.json();
      setSession({...session, ...tokens});
      return true;
    } catch {
      return false;
    } finally {
      setTimeout(() => (refreshing = null));
    }
  })();
  return refreshing;
}

/** A fetch Response for a successful call; failures throw ApiError. */
export async function request(path, options = {}) {
  let response = await send(path, options);
  if (response.status === 401 && session && !options.anonymous) {
    if (await refresh()) response = await send(path, options);
    if (response.status === 401) {
      setSession(null);
      lostListeners.forEach((fn) => fn());
    }
  }
  if (!response.ok) throw await errorFrom(response);
  return response;
}

/** JSON in, JSON out. */
export async function api(path, options = {}) {
  const response = await request(path, options);
  if (response.status === 204) return null;
  const type = response.headers.get("content-type") || "";
  return type.includes("json") ? response.json() : response.text();
}

/** Events of a text/event-stream body as {event, data}, as they arrive. */
export async function* readEvents(response) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let event = null;
  let data = [];
  const lines = function* () {
    for (;;) {
      const match = /\r\n|\r|\n/.exec(buffer);
      // A lone \r at the very end may be the first half of \r\n: wait for more.
      if (!match || (match[0] === "\r" && match.index === buffer.length - 1)) return;
      const line = buffer.slice(0, match.index);
      buffer = buffer.slice(match.index + match[0].length);
      yield line;
    }
  };
  for (;;) {
    const {value, done} = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, {stream: true});
    for (const line of lines()) {
      if (line === "") {
        if (event !== null || data.length) yield {event: event || "message", data: data.join("\n")};
        event = null;
        data = [];
      } else if (!line.startsWith(":")) {
        const colon = line.indexOf(":");
        const name = colon < 0 ? line : line.slice(0, colon);
        let val = colon < 0 ? "" : line.slice(colon + 1);
        if (val.startsWith(" ")) val = val.slice(1);
        if (name === "event") event = val;
        else if (name === "data") data.push(val);
      }
    }
  }
}

/**
 * POST a multipart form with upload progress (fetch cannot report it).
 * onProgress(fraction) while the bytes go up; resolves with the JSON body, or rejects with ApiError.
 */
export function upload(path, form, onProgress) {
  const attempt = () => new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    xhr.setRequestHeader("Accept", "application/json");
    if (session?.access_token) xhr.setRequestHeader("Authorization", `Bearer ${session.access_token}`);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress?.(e.loaded / e.total);
    xhr.onerror = () => reject(new ApiError(0, "Could not reach the appliance."));
    xhr.onload = () => {
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON */
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else {
        const message = body?.error || FALLBACK[xhr.status] || `Error ${xhr.status}`;
        reject(new ApiError(xhr.status, message, parseRetryAfter(xhr.getResponseHeader("Retry-After")), body));
      }
    };
    xhr.send(form);
  });
  return attempt().catch(async (error) => {
    if (error.status === 401 && (await refresh())) return attempt();
    throw error;
  });
}
