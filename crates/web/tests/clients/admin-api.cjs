// Drives Kolokol's Admin API with Ghost's official client, unchanged, and prints
// what it got as JSON for the Rust test to check against the database.
//   node admin-api.cjs URL KEY PICTURE SECTION
const GhostAdminAPI = require('@tryghost/admin-api');

const [url, key, picture, section] = process.argv.slice(2);
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const failure = async (call) => {
    try {
        await call();
        return null;
    } catch (err) {
        return err.name;
    }
};

async function main() {
    const api = new GhostAdminAPI({url, key, version: 'v5.0'});
    const site = await api.site.read();
    const image = await api.images.upload({file: picture, ref: 'ferry.png'});
    const added = await api.posts.add({
        title: 'The ferry runs again',
        custom_excerpt: 'After two winters the river crossing reopens.',
        html: '<p>The ferry <strong>runs</strong> from Monday.</p><h2>Times</h2><ul><li>08:00</li><li>18:00</li></ul>',
        tags: [{name: section}, {name: 'Boats'}],
        feature_image: image.url,
        feature_image_caption: 'The ferry at the landing',
        status: 'published',
    }, {source: 'html'});
    const read = await api.posts.read({id: added.id}, {formats: 'html'});
    await pause(1100);
    const edited = await api.posts.edit({id: added.id, updated_at: read.updated_at, title: 'The ferry runs again, daily'});
    const collision = await failure(() => api.posts.edit({id: added.id, updated_at: read.updated_at, title: 'Lost edit'}));
    const draft = await api.posts.add({title: 'Notes on the timetable', lexical: JSON.stringify({root: {children: [{type: 'paragraph', children: [{type: 'text', text: 'Check the winter times.', format: 0}]}], type: 'root'}})});
    const all = await api.posts.browse({limit: 'all'});
    const page = await api.pages.add({title: 'Corrections', html: '<p>We correct our mistakes openly.</p>', status: 'published'}, {source: 'html'});
    const tag = await api.tags.add({name: 'Ferries'});
    await api.posts.delete({id: draft.id});
    const gone = await failure(() => api.posts.read({id: draft.id}));
    const refused = await failure(() => new GhostAdminAPI({url, key: key.split(':')[0] + ':' + '0'.repeat(64), version: 'v5.0'}).posts.browse());
    console.log(JSON.stringify({
        site: site.title,
        image: image.url,
        added: {id: added.id, status: added.status, slug: added.slug, primary_tag: added.primary_tag && added.primary_tag.name, tags: added.tags.map((t) => t.name)},
        read_html: read.html,
        edited: edited.title,
        collision,
        draft_status: draft.status,
        all: all.map((p) => p.title),
        page: {slug: page.slug, status: page.status},
        tag: tag.slug,
        gone,
        refused,
    }));
}

main().catch((err) => {
    console.error(err && err.stack || err, err && err.context);
    process.exit(1);
});
