// Drives the official Workfront Node client (npm "workfront-api") against a Workfront API.
// Usage: node driver.js BASE_URL API_KEY USERNAME PASSWORD
// Prints one JSON object: each step's name -> {ok, value} or {ok: false, error}.
'use strict';

const { NodeApi } = require('workfront-api');

const [baseUrl, apiKey, username, password] = process.argv.slice(2);
const results = {};

async function step(name, call) {
    try {
        const value = await call();
        results[name] = { ok: true, value: value === undefined ? null : value };
        return value;
    } catch (err) {
        results[name] = { ok: false, error: { status: err && err.status, message: err && err.message } };
        return undefined;
    }
}

async function main() {
    // The client's default API root is /attask/api-internal.
    const api = new NodeApi({ url: baseUrl, apiKey: apiKey });
    const projects = await step('search', () => api.search('PROJ', { name: 'Project A' }, ['ID', 'name', 'status']));
    const project = projects[0];
    const tasks = await step('searchPost', () => api.search(
        'TASK', { projectID: project.ID, ID_Sort: 'asc', $$LIMIT: 3 }, ['ID', 'name', 'status', 'DE:Effort'], true));
    await step('getSeveral', () => api.get('TASK', [tasks[0].ID, tasks[1].ID], ['name']));
    const me = await step('getMe', () => api.get('USER', '$$USER', ['username']));
    const created = await step('create', () => api.create('TASK', { name: 'from node', projectID: project.ID }));
    await step('edit', () => api.edit('TASK', created.ID,
        { name: 'edited from node', 'DE:Effort': 'L', assignedToID: me.ID }, ['name', 'DE:Effort', 'assignedToID']));
    await step('editMultiple', () => api.editMultiple('TASK', [{ ID: tasks[0].ID, priority: 3 },
        { ID: tasks[1].ID, priority: 3 }], ['priority']));
    await step('batch', () => api.batch((batchApi) => [
        batchApi.count('PROJ'),
        batchApi.get('TASK', created.ID, ['name']),
        batchApi.search('TASK', { name: 'edited from node' }, ['ID']),
    ]));
    await step('batchAtomic', () => api.batch((batchApi) => [
        batchApi.execute('TASK', tasks[2].ID, 'markDone'),
        batchApi.count('TASK'),
    ], true));
    await step('markedDone', () => api.get('TASK', tasks[2].ID, ['status']));
    await step('calculateTimeline', () => api.execute('PROJ', project.ID, 'calculateTimeline'));
    const others = await step('otherProject', () => api.search('PROJ', { name: 'Project B' }, ['ID']));
    await step('move', () => api.execute('TASK', created.ID, 'move', { projectID: others[0].ID }));
    await step('moved', () => api.get('TASK', created.ID, ['projectID']));
    const copy = await step('copy', () => api.copy('PROJ', project.ID, { name: 'Project A (copy)' }, ['name']));
    await step('count', () => api.count('TASK', { projectID: copy.ID }));
    await step('report', () => api.report('TASK', { status_GroupBy: true, ID_AggFunc: 'COUNT' }));
    await step('namedQuery', () => api.namedQuery('TASK', 'myWork', {}, ['assignedToID']));
    await step('metadata', () => api.metadata());
    await step('objectMetadata', () => api.metadata('PROJ'));
    await step('removeTask', () => api.remove('TASK', created.ID));
    await step('removeProject', () => api.remove('PROJ', copy.ID, true));
    await step('goneProject', () => api.get('PROJ', copy.ID));
    await step('error', () => api.get('TASK', 'f'.repeat(32)));
    await step('badField', () => api.search('TASK', {}, ['noSuchField']));
    const versioned = new NodeApi({ url: baseUrl, apiKey: apiKey, version: 'unsupported' });
    await step('unsupportedCount', () => versioned.count('PROJ'));
    const session = new NodeApi({ url: baseUrl, version: '21.0' });
    await step('login', () => session.login(username, password).then((data) => ({ userID: data.userID })));
    await step('sessionSearch', () => session.count('ROLE'));
    await step('logout', () => session.logout());
}

main().then(
    () => { process.stdout.write(JSON.stringify(results)); },
    (err) => { process.stdout.write(JSON.stringify({ driverFailed: String(err && err.stack || err), results })); },
);
