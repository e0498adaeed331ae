// `${file(./scripts/sls-config.js):<key>}` in serverless.yml and serverless.pool.yml: the values computed from
// the config by scripts/sls-values.ts (TypeScript, loaded through tsx so the validation code is shared).
"use strict";
const { require: tsxRequire } = require("tsx/cjs/api");

let values;
module.exports = () => {
  values ??= tsxRequire("./sls-values.ts", __filename).slsValues(process.env);
  return values;
};
