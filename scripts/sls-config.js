// `${file(./scripts/sls-config.js):<key>}` in serverless.yml and serverless.pool.yml: the values computed from
// the config by scripts/sls-values.ts (TypeScript, loaded through tsx so the validation code is shared). The first
// read builds the functions when the command packages them and nobody has yet (`npx sls deploy` as users type
// it; see scripts/sls-prepare.ts).
"use strict";
const { require: tsxRequire } = require("tsx/cjs/api");

let values;
module.exports = () =>
  (values ??= (async () => {
    await tsxRequire("./sls-prepare.ts", __filename).prepareForSls(process.env, process.argv);
    return tsxRequire("./sls-values.ts", __filename).slsValues(process.env);
  })());
