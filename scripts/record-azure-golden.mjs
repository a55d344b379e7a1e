#!/usr/bin/env node
// record-azure-golden.mjs: record golden test vectors for Azure Blob Shared Key and service-SAS signing.
//
// WHAT IT RECORDS
//   Prints pretty-printed JSON (2-space indent) to stdout:
//     { "recordedWith": "...", "sas": [...], "sharedKey": [...] }
//   * sas: service SAS for a blob (sr=b, sp=r, sv=2025-11-05), produced by the official SDK
//     (`generateBlobSASQueryParameters` + `StorageSharedKeyCredential` from @azure/storage-blob 12.32.0).
//     For each case: the inputs, the SDK's exact `toString()` query string, the decoded `sig`, and the
//     string-to-sign rebuilt independently per docs protocols.md §2.5 (16 fields joined by "\n", no trailing
//     newline, canonicalizedResource "/blob/{account}/{container}/{raw blob name}").
//   * sharedKey: Shared Key `Authorization` headers produced by the SDK's own signing policy
//     (`storageSharedKeyCredentialPolicy` from @azure/storage-common, the policy BlobServiceClient
//     puts in its pipeline), run on a `createPipelineRequest` from @azure/core-rest-pipeline, with a
//     `next` function that captures the request instead of sending it. Cross-checked with the older
//     core-http style policy (`StorageSharedKeyCredential#create(nextPolicy, options)`). For each case: the
//     inputs, the Authorization header, and the string-to-sign rebuilt independently per protocols.md §2.4.
//   All inputs are FIXED (no current time, no randomness). The SDK policies stamp `x-ms-date` with
//   `new Date()`, so while they run, the global `Date` is frozen at the fixed x-ms-date of the vectors.
//
//   The script checks everything and exits non-zero (printing nothing to stdout) on any mismatch:
//   HMAC-SHA256(base64decode(key), our stringToSign) must equal the SDK's signature, our SAS
//   stringToSign must equal the one the SDK signed internally, and both SDK Shared Key policies must agree.
//
// REQUIREMENTS
//   Node 20+, and `npm install @azure/storage-blob@12.32.0` in the folder you run it FROM (packages are
//   resolved from the current working directory's node_modules) or a node_modules folder listed in
//   NODE_PATH. @azure/storage-common and @azure/core-rest-pipeline come with it as dependencies.
//
// USAGE
//   mkdir -p /tmp/sasgold && cd /tmp/sasgold && npm init -y && npm install @azure/storage-blob@12.32.0
//   node /work/main/scripts/record-azure-golden.mjs > /work/main/tests/data/azure_golden.json
//
// The output is committed as test data (tests/data/azure_golden.json) for the C++ signing tests.
// This script is NOT run in CI; rerun it by hand only when the vectors need to change.
//
// Known SDK quirk (does not affect these vectors): both SDK Shared Key policies put Content-Language BEFORE
// Content-Encoding in the string-to-sign, whereas the REST docs (and protocols.md §2.4) put
// Content-Encoding first. No vector here sets either header, so both lines are empty and identical.

import { createRequire } from "node:module";
import { createHmac } from "node:crypto";
import path from "node:path";

// Resolve packages from the cwd (and NODE_PATH via Module.globalPaths), not from this script's folder.
const require = createRequire(path.join(process.cwd(), "__record_azure_golden__.cjs"));

const EXPECTED_BLOB_VERSION = "12.32.0";
const SERVICE_VERSION = "2025-11-05";

function fail(msg) {
  process.stderr.write(`record-azure-golden: FAILED: ${msg}\n`);
  process.exit(1);
}

let blob, common, pipeline, sasInternal;
try {
  blob = require("@azure/storage-blob");
  common = require("@azure/storage-common");
  pipeline = require("@azure/core-rest-pipeline");
  // Internal module, loaded by absolute path only to cross-check the string-to-sign the SDK signed.
  sasInternal = require(
    path.join(path.dirname(require.resolve("@azure/storage-blob")), "sas", "BlobSASSignatureValues.js"),
  );
} catch (e) {
  fail(`cannot load the Azure SDK (${e.message}). Run: npm install @azure/storage-blob@${EXPECTED_BLOB_VERSION}`);
}
const versions = Object.fromEntries(
  ["@azure/storage-blob", "@azure/storage-common", "@azure/core-rest-pipeline"].map((p) => [
    p,
    require(`${p}/package.json`).version,
  ]),
);
if (versions["@azure/storage-blob"] !== EXPECTED_BLOB_VERSION) {
  fail(`expected @azure/storage-blob ${EXPECTED_BLOB_VERSION}, found ${versions["@azure/storage-blob"]}`);
}
const SDK_SOURCE = `@azure/storage-blob ${EXPECTED_BLOB_VERSION}`;

const {
  StorageSharedKeyCredential,
  generateBlobSASQueryParameters,
  BlobSASPermissions,
} = blob;

// ---------------------------------------------------------------------------------------------
// Accounts (fixed)
// ---------------------------------------------------------------------------------------------
// Azurite's publicly documented dev account.
const AZURITE = {
  accountName: "devstoreaccount1",
  accountKey: "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
};
// Made-up "production" account; the key is 64 random bytes generated once and hard-coded. Not a real secret.
const PROD = {
  accountName: "visionarytest",
  accountKey: "1EZ/VsVQWQTLSQ3W0woVlfKZfPHQm9uxybmfvvnaeEvBbQKqiatpCkHQ18krSKc4laBedRrU0RvrsjyzjJJyzw==",
};
if (Buffer.from(PROD.accountKey, "base64").length !== 64) fail("PROD key is not 64 bytes");

const hmacB64 = (keyB64, s) =>
  createHmac("sha256", Buffer.from(keyB64, "base64")).update(s, "utf8").digest("base64");

// ---------------------------------------------------------------------------------------------
// A. Service SAS (sr=b)
// ---------------------------------------------------------------------------------------------
const FOX = "8204999999999_a-red-fox_k3j4h5g6m2";
const sasCases = [
  {
    name: "azurite_png_https_http",
    ...AZURITE,
    containerName: "images",
    blobName: `images/${FOX}.png`,
    expiresOn: "2026-11-24T23:35:00Z",
    protocol: "https,http",
  },
  {
    name: "azurite_png_rscc_rsct_https",
    ...AZURITE,
    containerName: "images",
    blobName: `images/${FOX}.png`,
    expiresOn: "2026-11-24T23:35:00Z",
    protocol: "https",
    cacheControl: "private, max-age=1500",
    contentType: "image/png",
  },
  {
    name: "azurite_non_ascii_blob_name",
    ...AZURITE,
    containerName: "images",
    blobName: "gen/日 x#.png",
    expiresOn: "2026-11-24T23:35:00Z",
    protocol: "https",
  },
  {
    name: "azurite_thumbnail_webp_rsct",
    ...AZURITE,
    containerName: "images",
    blobName: `thumbnails/${FOX}.webp`,
    expiresOn: "2026-11-24T23:35:00Z",
    protocol: "https",
    contentType: "image/webp",
  },
  {
    name: "production_account_with_start",
    ...PROD,
    containerName: "gallery",
    blobName: `images/${FOX}.png`,
    startsOn: "2026-11-24T23:00:00Z",
    expiresOn: "2026-11-24T23:35:00Z",
    protocol: "https",
  },
];

const WHOLE_SECOND_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

// Our own string-to-sign, per protocols.md §2.5 (sv >= 2020-12-06): 16 fields, "\n"-joined, no trailing "\n".
function sasStringToSign(c) {
  return [
    "r", // sp
    c.startsOn ?? "", // st
    c.expiresOn, // se
    `/blob/${c.accountName}/${c.containerName}/${c.blobName}`, // canonicalizedResource, raw blob name
    "", // si
    "", // sip
    c.protocol, // spr
    SERVICE_VERSION, // sv
    "b", // sr
    "", // signedSnapshotTime
    "", // ses
    c.cacheControl ?? "", // rscc
    "", // rscd
    "", // rsce
    "", // rscl
    c.contentType ?? "", // rsct
  ].join("\n");
}

function recordSas(c) {
  for (const t of [c.expiresOn, c.startsOn].filter(Boolean)) {
    if (!WHOLE_SECOND_UTC.test(t)) fail(`sas ${c.name}: time ${t} is not whole-second UTC ISO`);
  }
  const cred = new StorageSharedKeyCredential(c.accountName, c.accountKey);
  const values = {
    containerName: c.containerName,
    blobName: c.blobName,
    permissions: BlobSASPermissions.parse("r"),
    expiresOn: new Date(c.expiresOn),
    protocol: c.protocol,
    version: SERVICE_VERSION,
  };
  if (c.startsOn) values.startsOn = new Date(c.startsOn);
  if (c.cacheControl) values.cacheControl = c.cacheControl;
  if (c.contentType) values.contentType = c.contentType;

  const qp = generateBlobSASQueryParameters({ ...values }, cred);
  const queryString = qp.toString();
  const sig = qp.signature;

  const parsedSig = new URLSearchParams(queryString).get("sig");
  if (parsedSig !== sig) fail(`sas ${c.name}: sig in query string (${parsedSig}) != SASQueryParameters.signature (${sig})`);

  const stringToSign = sasStringToSign(c);
  const ours = hmacB64(c.accountKey, stringToSign);
  if (ours !== sig) {
    fail(`sas ${c.name}: HMAC of reconstructed stringToSign ${JSON.stringify(stringToSign)} = ${ours}, SDK sig = ${sig}`);
  }
  // Cross-check against the exact string the SDK signed (internal API, same inputs).
  const internal = sasInternal.generateBlobSASQueryParametersInternal({ ...values }, cred);
  if (internal.stringToSign !== stringToSign) {
    fail(`sas ${c.name}: SDK stringToSign ${JSON.stringify(internal.stringToSign)} != ours ${JSON.stringify(stringToSign)}`);
  }
  if (internal.sasQueryParameters.toString() !== queryString) fail(`sas ${c.name}: internal/public query strings differ`);
  if (stringToSign.split("\n").length !== 16) fail(`sas ${c.name}: stringToSign does not have 16 fields`);

  const inputs = {
    accountName: c.accountName,
    accountKey: c.accountKey,
    containerName: c.containerName,
    blobName: c.blobName,
    permissions: "r",
    version: SERVICE_VERSION,
  };
  if (c.startsOn) inputs.startsOn = c.startsOn;
  inputs.expiresOn = c.expiresOn;
  inputs.protocol = c.protocol;
  if (c.cacheControl) inputs.cacheControl = c.cacheControl;
  if (c.contentType) inputs.contentType = c.contentType;

  return { name: c.name, source: SDK_SOURCE, inputs, outputs: { queryString, sig, stringToSign } };
}

// ---------------------------------------------------------------------------------------------
// B. Shared Key request signatures
// ---------------------------------------------------------------------------------------------
const X_MS_DATE = "Tue, 24 Nov 2026 23:05:00 GMT";
const FIXED_NOW = Date.parse("2026-11-24T23:05:00Z");
if (new Date(FIXED_NOW).toUTCString() !== X_MS_DATE) fail("FIXED_NOW does not match X_MS_DATE");

const AZ = "http://127.0.0.1:10000/devstoreaccount1";
const sharedKeyCases = [
  {
    name: "create_container_path_style",
    ...AZURITE,
    method: "PUT",
    url: `${AZ}/images?restype=container`,
    headers: { "x-ms-date": X_MS_DATE, "x-ms-version": SERVICE_VERSION, "Content-Length": "0" },
    contentLength: 0,
  },
  {
    name: "put_blob_block_png_metadata",
    ...AZURITE,
    method: "PUT",
    url: `${AZ}/images/images/${FOX}.png`,
    headers: {
      "x-ms-date": X_MS_DATE,
      "x-ms-version": SERVICE_VERSION,
      "x-ms-blob-type": "BlockBlob",
      "Content-Type": "image/png",
      "Content-Length": "34",
      "x-ms-meta-prompt": "a%20red%20fox",
      "x-ms-meta-model": "gpt-image-1",
    },
    contentLength: 34,
  },
  {
    name: "list_blobs_prefix_marker_metadata",
    ...AZURITE,
    method: "GET",
    url: `${AZ}/images?restype=container&comp=list&prefix=images%2F&maxresults=50&include=metadata&marker=images%2F820`,
    headers: { "x-ms-date": X_MS_DATE, "x-ms-version": SERVICE_VERSION },
    contentLength: null,
  },
  {
    name: "get_blob_x_ms_range",
    ...AZURITE,
    method: "GET",
    url: `${AZ}/images/images/${FOX}.png`,
    headers: { "x-ms-date": X_MS_DATE, "x-ms-version": SERVICE_VERSION, "x-ms-range": "bytes=0-1023" },
    contentLength: null,
  },
  {
    name: "delete_blob_production_host_style",
    ...PROD,
    method: "DELETE",
    url: "https://visionarytest.blob.core.windows.net/gallery/images/a%20b.png",
    headers: { "x-ms-date": X_MS_DATE, "x-ms-version": SERVICE_VERSION },
    contentLength: null,
  },
];

// Our own string-to-sign, per protocols.md §2.4 (REST docs order: Content-Encoding, then Content-Language).
function sharedKeyStringToSign(c) {
  const h = new Map();
  for (const [k, v] of Object.entries(c.headers)) {
    const name = k.toLowerCase();
    h.set(name, h.has(name) ? `${h.get(name)},${v.trim()}` : v.trim());
  }
  const get = (n) => h.get(n) ?? "";
  const contentLength = get("content-length") === "0" ? "" : get("content-length");
  const lines = [
    c.method.toUpperCase(),
    get("content-encoding"),
    get("content-language"),
    contentLength,
    get("content-md5"),
    get("content-type"),
    get("date"),
    get("if-modified-since"),
    get("if-match"),
    get("if-none-match"),
    get("if-unmodified-since"),
    get("range"),
  ];
  const canonHeaders = [...h.keys()]
    .filter((n) => n.startsWith("x-ms-"))
    .sort()
    .map((n) => `${n}:${h.get(n)}\n`)
    .join("");
  // Path exactly as written in the URL (still percent-encoded), query split by hand.
  const afterScheme = c.url.slice(c.url.indexOf("://") + 3);
  const pathAndQuery = afterScheme.slice(afterScheme.indexOf("/"));
  const qi = pathAndQuery.indexOf("?");
  const rawPath = qi < 0 ? pathAndQuery : pathAndQuery.slice(0, qi);
  let resource = `/${c.accountName}${rawPath || "/"}`;
  if (qi >= 0) {
    const params = new Map();
    for (const part of pathAndQuery.slice(qi + 1).split("&").filter(Boolean)) {
      const eq = part.indexOf("=");
      const key = decodeURIComponent(eq < 0 ? part : part.slice(0, eq)).toLowerCase();
      const val = eq < 0 ? "" : decodeURIComponent(part.slice(eq + 1));
      if (!params.has(key)) params.set(key, []);
      params.get(key).push(val);
    }
    for (const key of [...params.keys()].sort()) {
      resource += `\n${key}:${params.get(key).sort().join(",")}`;
    }
  }
  return lines.join("\n") + "\n" + canonHeaders + resource;
}

// Run `fn` with `new Date()` / `Date.now()` frozen at FIXED_NOW (the SDK policies stamp x-ms-date with it).
async function withFrozenDate(fn) {
  const RealDate = globalThis.Date;
  class FrozenDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(FIXED_NOW);
      else super(...args);
    }
    static now() {
      return FIXED_NOW;
    }
  }
  globalThis.Date = FrozenDate;
  try {
    return await fn();
  } finally {
    globalThis.Date = RealDate;
  }
}

// Signing with the policy BlobServiceClient uses (@azure/storage-common storageSharedKeyCredentialPolicy).
async function signWithPipelinePolicy(c) {
  const policy = common.storageSharedKeyCredentialPolicy({
    accountName: c.accountName,
    accountKey: Buffer.from(c.accountKey, "base64"),
  });
  const request = pipeline.createPipelineRequest({
    url: c.url,
    method: c.method,
    headers: pipeline.createHttpHeaders({ ...c.headers }),
  });
  let captured;
  await withFrozenDate(() =>
    policy.sendRequest(request, async (req) => {
      captured = req;
      return { request: req, status: 200, headers: pipeline.createHttpHeaders() };
    }),
  );
  if (!captured) fail(`sharedKey ${c.name}: pipeline policy did not call next`);
  return {
    authorization: captured.headers.get("authorization"),
    xMsDate: captured.headers.get("x-ms-date"),
  };
}

// Signing with the older core-http style policy: credential.create(nextPolicy, options).signRequest.
async function signWithCredentialCreate(c) {
  const cred = new StorageSharedKeyCredential(c.accountName, c.accountKey);
  const store = new Map(Object.entries(c.headers).map(([k, v]) => [k.toLowerCase(), { name: k, value: String(v) }]));
  const headers = {
    get: (n) => store.get(n.toLowerCase())?.value,
    set: (n, v) => store.set(n.toLowerCase(), { name: n, value: String(v) }),
    headersArray: () => [...store.values()],
  };
  const webResource = { method: c.method, url: c.url, headers, body: undefined };
  let captured;
  const nextPolicy = {
    sendRequest: async (req) => {
      captured = req;
      return { request: req, status: 200 };
    },
  };
  const policy = cred.create(nextPolicy, { shouldLog: () => false, log: () => {} });
  await withFrozenDate(() => policy.sendRequest(webResource));
  if (!captured) fail(`sharedKey ${c.name}: credential policy did not call next`);
  return { authorization: captured.headers.get("authorization"), xMsDate: captured.headers.get("x-ms-date") };
}

async function recordSharedKey(c) {
  const a = await signWithPipelinePolicy(c);
  const b = await signWithCredentialCreate(c);
  for (const r of [a, b]) {
    if (r.xMsDate !== X_MS_DATE) fail(`sharedKey ${c.name}: SDK stamped x-ms-date ${r.xMsDate}, expected ${X_MS_DATE}`);
  }
  if (a.authorization !== b.authorization) {
    fail(`sharedKey ${c.name}: pipeline policy (${a.authorization}) and credential.create policy (${b.authorization}) disagree`);
  }
  const stringToSign = sharedKeyStringToSign(c);
  const ours = `SharedKey ${c.accountName}:${hmacB64(c.accountKey, stringToSign)}`;
  if (ours !== a.authorization) {
    fail(`sharedKey ${c.name}: reconstructed ${ours} from ${JSON.stringify(stringToSign)} != SDK ${a.authorization}`);
  }
  return {
    name: c.name,
    source: SDK_SOURCE,
    inputs: {
      accountName: c.accountName,
      accountKey: c.accountKey,
      method: c.method,
      url: c.url,
      headers: { ...c.headers },
      contentLength: c.contentLength,
    },
    outputs: { authorization: a.authorization, stringToSign },
  };
}

// ---------------------------------------------------------------------------------------------
const sas = sasCases.map(recordSas);
const sharedKey = [];
for (const c of sharedKeyCases) sharedKey.push(await recordSharedKey(c));

const recordedWith =
  `${SDK_SOURCE} (@azure/storage-common ${versions["@azure/storage-common"]}, ` +
  `@azure/core-rest-pipeline ${versions["@azure/core-rest-pipeline"]}) on Node ${process.version}; ` +
  `SAS via generateBlobSASQueryParameters + StorageSharedKeyCredential; Shared Key via ` +
  `storageSharedKeyCredentialPolicy (cross-checked with StorageSharedKeyCredential#create); ` +
  `stringToSign values are independent reconstructions per protocols.md §2.4/§2.5, verified against the SDK signatures`;

process.stdout.write(JSON.stringify({ recordedWith, sas, sharedKey }, null, 2) + "\n");
