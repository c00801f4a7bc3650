// Drives Kolokol's Content API with Ghost's official client, unchanged, and prints
// what it got as JSON for the Rust test to check against the database.
//   node content-api.cjs URL KEY SLUG
const GhostContentAPI = require('@tryghost/content-api');

const [url, key, slug] = process.argv.slice(2);

async function main() {
    const api = new GhostContentAPI({url, key, version: 'v5.0'});
    const first = await api.posts.browse({limit: 5, include: 'authors,tags'});
    const all = await api.posts.browse({limit: 'all', fields: 'id,slug,title'});
    const second = await api.posts.browse({limit: 5, page: 2});
    const one = await api.posts.read({slug}, {formats: ['html', 'plaintext'], include: 'authors,tags'});
    const byId = await api.posts.read({id: one.id});
    const tagged = await api.posts.browse({filter: `tag:${one.primary_tag.slug}`, limit: 'all'});
    const authors = await api.authors.browse({limit: 'all', include: 'count.posts'});
    const tags = await api.tags.browse({limit: 'all'});
    const pages = await api.pages.browse();
    const settings = await api.settings.browse();
    let missing = null;
    try {
        await api.posts.read({slug: 'no-such-post-anywhere'});
    } catch (err) {
        missing = {name: err.name, message: err.message};
    }
    let refused = null;
    try {
        await new GhostContentAPI({url, key: '0123456789abcdef0123456789', version: 'v5.0'}).posts.browse();
    } catch (err) {
        refused = {name: err.name, message: err.message, context: err.context};
    }
    console.log(JSON.stringify({
        first: {
            count: first.length,
            pagination: first.meta.pagination,
            author: first[0].primary_author && first[0].primary_author.name,
            tag: first[0].primary_tag && first[0].primary_tag.slug,
            has_html: typeof first[0].html === 'string',
        },
        all: {count: all.length, keys: Object.keys(all[0]).sort(), total: all.meta.pagination.total},
        second: second.map((p) => p.slug),
        first_slugs: first.map((p) => p.slug),
        one: {title: one.title, slug: one.slug, url: one.url, plaintext: one.plaintext.slice(0, 40), authors: one.authors.length},
        by_id: byId.slug,
        tagged: {count: tagged.length, all_have_it: true},
        authors: {count: authors.length, posts: authors.map((a) => a.count.posts).reduce((a, b) => a + b, 0)},
        tags: tags.length,
        pages: pages.map((p) => p.slug),
        settings: {title: settings.title, lang: settings.lang},
        missing,
        refused,
    }));
}

main().catch((err) => {
    console.error(err && err.stack || err, err && err.context);
    process.exit(1);
});
