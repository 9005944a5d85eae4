/* wiki_url.h - the article title a Wikipedia-style URL points to. */
#ifndef WPK_WIKI_URL_H
#define WPK_WIKI_URL_H

/* Accepts ".../wiki/Title", ".../w/index.php?title=Title&..." and a bare
 * "/wiki/Title", with percent-encoding; drops any "#fragment". Underscores
 * become spaces. Returns a malloc'd title, or NULL if `url` names no article. */
char *imp_wiki_url_title(const char *url);

#endif
