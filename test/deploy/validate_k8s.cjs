// Validates Kubernetes objects against the API's OpenAPI schemas, as compiled
// by the npm package kubernetes-models (types and required fields; it does
// not reject unknown fields -- check_manifests.py asserts the ones we rely
// on by exact name). Usage: node validate_k8s.cjs OBJECTS.json
// (a JSON array). Exit 0 valid, 1 invalid, 77 when kubernetes-models is
// not installed.
'use strict';
const fs = require('fs');

try {
	require.resolve('kubernetes-models/package.json');
} catch (e) {
	console.log('SKIP: npm package kubernetes-models is not installed (npm install -g kubernetes-models)');
	process.exit(77);
}
const version = require('kubernetes-models/package.json').version;
const objs = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
let bad = 0;
for (const o of objs) {
	const name = `${o.kind} ${o.metadata && o.metadata.name}`;
	let Model;
	try {
		Model = require(`kubernetes-models/${o.apiVersion}/${o.kind}`)[o.kind];
	} catch (e) {
		console.log(`FAIL: ${name}: no schema for ${o.apiVersion} ${o.kind}`);
		bad++;
		continue;
	}
	try {
		new Model(o).validate();
	} catch (e) {
		console.log(`FAIL: ${name}: ${e.message}`);
		bad++;
	}
}
if (!bad)
	console.log(`schema: ${objs.length} objects valid (kubernetes-models ${version})`);
process.exit(bad ? 1 : 0);
