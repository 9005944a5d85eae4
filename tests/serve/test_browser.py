#!/usr/bin/env python3
"""`wikipack serve` in a real browser: Debian's headless Chromium driven by
Selenium (chromium, chromium-driver, python3-selenium).

Loads the home page, types a prefix into the search box, waits for the
suggestions, clicks one, checks the article's title and that its links to
archived articles point into the archive, follows one, searches a word of
an article's text (Enter in the box, the results page, a result's link),
and saves screenshots in the scratch directory.

usage: test_browser.py PATH/TO/wikipack SAMPLES_DIR SCRATCH_DIR [--save-screenshot PNG]
"""
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:
    # python3-selenium is Debian's: run under Debian's interpreter when
    # another python3 comes first in PATH.
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise

GUIDE = """# Guide to Python software

## Metadata
- **Last Updated:** 2024-12-20 10:00:00 UTC
- **Original Article:** [Guide to Python software](https://en.wikipedia.org/wiki/Guide_to_Python_software)
- **Language:** en
- **Page ID:** 99000001

## Summary
A short guide to programs written in **Python** that this archive holds.
Event-driven networking is the domain of *Twisted*; honeypots, of *Kippo*.

| Program | What it does |
|---|---|
| Twisted | networking engine |
| Kippo | SSH honeypot |

## Categories
This article belongs to the following categories:

- Category:Python (programming language) software

## Related Articles

### Internal Links

- [Twisted (software)](https://en.wikipedia.org/wiki/Twisted_(software))
- [Kippo](https://en.wikipedia.org/wiki/Kippo)
- [Pylons project](https://en.wikipedia.org/wiki/Pylons_project)
- [Django (web framework)](https://en.wikipedia.org/wiki/Django_(web_framework))
"""


# A MediaWiki page of the same wiki as the dump excerpt of
# tests/samples/wikimedia, linking to two of its articles and to one it
# does not have, with what a reader meets in an encyclopedia page.
WIKI_PAGE = """<mediawiki xml:lang="en"><siteinfo><dbname>enwiki</dbname>
<base>https://en.wikipedia.org/wiki/Main_Page</base><case>first-letter</case></siteinfo>
<page><title>Guide to the sample</title><ns>0</ns><id>99000002</id>
<revision><id>1</id><timestamp>2024-12-20T10:00:00Z</timestamp><text xml:space="preserve">{{Use dmy dates|date=June 2013}}
{{Infobox guide
| name = Guide to the sample
| subject = [[Astronomer|Astronomers]] and music
}}
'''Guide to the sample''' is a page about the ''excerpt'' of a dump.&lt;ref&gt;{{cite web |url=https://dumps.wikimedia.org/ |title=Wikimedia dumps |website=Wikimedia}}&lt;/ref&gt;

== Articles ==
* [[Astronomer]], a scientist
* [[An American in Paris]], a symphonic poem
* [[Paris]], a city not in this archive

{| class="wikitable"
! Article !! Kind
|-
| Astronomer || occupation
|}

== Notes ==
&lt;references/&gt;
&lt;script&gt;alert(1)&lt;/script&gt;
[[Category:Guides]]</text></revision></page></mediawiki>
"""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    args = sys.argv[1:]
    save = None
    if "--save-screenshot" in args:
        i = args.index("--save-screenshot")
        save = os.path.abspath(args[i + 1])
        del args[i:i + 2]
    if len(args) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    wp, samples, scratch = (os.path.abspath(a) for a in args)
    shutil.rmtree(scratch, ignore_errors=True)
    corpus = os.path.join(scratch, "corpus")
    shutil.copytree(os.path.join(samples, "articles"), os.path.join(corpus, "articles"))
    with open(os.path.join(corpus, "Guide_to_Python_software.md"), "w") as f:
        f.write(GUIDE)
    archive = os.path.join(scratch, "samples.wpk")
    subprocess.run([wp, "pack", "-o", archive, corpus], check=True, capture_output=True)
    # MediaWiki pages: the dump excerpt and a page linking into it.
    dump = os.path.join(scratch, "dump")
    os.makedirs(dump)
    for name in os.listdir(os.path.join(samples, "wikimedia")):
        if name.startswith("enwiki-"):
            shutil.copy(os.path.join(samples, "wikimedia", name), dump)
    with open(os.path.join(dump, "guide.xml"), "w") as f:
        f.write(WIKI_PAGE)
    dump_archive = os.path.join(scratch, "dump.wpk")
    subprocess.run([wp, "pack", "-o", dump_archive, dump], check=True, capture_output=True)

    port = free_port()
    base = "http://127.0.0.1:%d" % port
    server = subprocess.Popen([wp, "serve", archive, dump_archive, "--port", str(port)], stdout=subprocess.DEVNULL)
    driver = None
    failures = []
    passed = []

    def check(name, cond):
        print(("ok   " if cond else "FAIL ") + name)
        (passed if cond else failures).append(name)

    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/api/archives", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)

        opts = webdriver.ChromeOptions()
        opts.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        # As root in CI: no sandbox; no display: headless; a profile of its own.
        for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--user-data-dir=" + os.path.join(scratch, "profile"), "--window-size=1280,900",
                  "--no-first-run", "--disable-extensions"):
            opts.add_argument(a)
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver",
                          log_output=os.path.join(scratch, "chromedriver.log"))
        driver = webdriver.Chrome(service=service, options=opts)
        wait = WebDriverWait(driver, 20)

        # A MediaWiki page, rendered as an article (tools/wikitext).
        driver.get(base + "/dump/A/Guide_to_the_sample")
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "div.wikitext")))
        wt = driver.find_element(By.CSS_SELECTOR, "div.wikitext")
        check("wikitext: headings", [h.text for h in wt.find_elements(By.CSS_SELECTOR, "h2")] == ["Articles", "Notes"])
        check("wikitext: bold and italic", [b.text for b in wt.find_elements(By.CSS_SELECTOR, "p b")] == ["Guide to the sample"]
              and [i.text for i in wt.find_elements(By.CSS_SELECTOR, "p i")] == ["excerpt"])
        links = {a.text: a.get_attribute("href") for a in wt.find_elements(By.CSS_SELECTOR, "li a")}
        check("wikitext: links to articles here stay in the archive: %s" % links,
              links.get("Astronomer") == base + "/dump/A/Astronomer"
              and links.get("An American in Paris") == base + "/dump/A/An_American_in_Paris")
        check("wikitext: a link to an article not here goes to its wiki",
              links.get("Paris") == "https://en.wikipedia.org/wiki/Paris")
        check("wikitext: infobox as a table", "Astronomers and music" in wt.find_element(By.CSS_SELECTOR, "table.infobox").text)
        check("wikitext: table", [c.text for c in wt.find_elements(By.CSS_SELECTOR, "table.wikitable td")] == ["Astronomer", "occupation"])
        check("wikitext: the reference is a numbered note", wt.find_element(By.CSS_SELECTOR, "sup.ref").text == "[1]"
              and "Wikimedia dumps" in wt.find_element(By.CSS_SELECTOR, "ol.notes").text)
        check("wikitext: no markup shown raw", "'" * 3 not in wt.text and "{{" not in wt.text and "[[" not in wt.text)
        check("wikitext: the page's script is text, not run", "alert(1)" in wt.text
              and not driver.find_elements(By.CSS_SELECTOR, "div.wikitext script"))
        driver.save_screenshot(os.path.join(scratch, "wikitext.png"))
        driver.find_element(By.LINK_TEXT, "Astronomer").click()
        wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "h1#title"), "Astronomer"))
        check("wikitext: the link opens the archived article", driver.current_url == base + "/dump/A/Astronomer")

        # Home page of the sample articles.
        driver.get(base + "/samples/")
        wait.until(EC.presence_of_element_located((By.ID, "q")))
        check("home page reached", driver.current_url == base + "/samples/")
        check("random article link", driver.find_element(By.ID, "random").get_attribute("href") == base + "/samples/random")

        # Type a prefix; the suggestions come from the JSON API.
        box = driver.find_element(By.ID, "q")
        box.send_keys("guide to")
        wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#suggest li a")))
        names = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "#suggest li a")]
        check("suggestions shown: %s" % names, "Guide to Python software" in names)
        driver.save_screenshot(os.path.join(scratch, "suggestions.png"))
        pick = [a for a in driver.find_elements(By.CSS_SELECTOR, "#suggest li a") if a.text == "Guide to Python software"]
        pick[0].click()

        # The article: title, metadata, rendered markdown, links.
        wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "h1#title"), "Guide to Python software"))
        check("h1 is the article title", driver.find_element(By.CSS_SELECTOR, "h1#title").text == "Guide to Python software")
        check("page ID shown", driver.find_element(By.CSS_SELECTOR, "tr.page-id td").text == "99000001")
        check("markdown table rendered", len(driver.find_elements(By.CSS_SELECTOR, "div.content table td")) == 4)
        check("bold rendered", "Python" in [b.text for b in driver.find_elements(By.CSS_SELECTOR, "div.content strong")])
        internal = {a.text: a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "div.content a.internal")}
        external = {a.text: a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "div.content a.external")}
        check("archived articles linked into the archive: %s" % internal,
              internal.get("Twisted (software)") == base + "/samples/A/Twisted_(software)"
              and internal.get("Kippo") == base + "/samples/A/Kippo"
              and internal.get("Pylons project") == base + "/samples/A/Pylons_project")
        check("every internal link stays in the archive",
              internal and all(h.startswith(base + "/samples/") for h in internal.values()))
        check("missing article linked to Wikipedia",
              external.get("Django (web framework)") == "https://en.wikipedia.org/wiki/Django_(web_framework)")
        cats = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "nav.categories a")]
        check("category links", cats == [base + "/samples/category/Category:Python_(programming_language)_software"])

        # Follow a link between articles.
        driver.find_element(By.LINK_TEXT, "Twisted (software)").click()
        wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "h1#title"), "Twisted (software)"))
        check("linked article opens", driver.current_url == base + "/samples/A/Twisted_(software)")
        check("its page ID", driver.find_element(By.CSS_SELECTOR, "tr.page-id td").text == "1793652")
        driver.save_screenshot(os.path.join(scratch, "article.png"))

        # The category page lists the guide.
        driver.get(base + "/samples/category/Category:Python_(programming_language)_software")
        titles = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "ul.list a")]
        check("category page lists the guide", "Guide to Python software" in titles)

        # Back to the guide, with suggestions open over it: the README's picture.
        driver.get(base + "/samples/A/Guide_to_Python_software")
        box = wait.until(EC.presence_of_element_located((By.ID, "q")))
        box.send_keys("py")
        wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#suggest li a")))
        # Arrow keys move through the suggestions; Enter opens one.
        box.send_keys("\ue015")  # ArrowDown
        check("arrow key selects a suggestion", len(driver.find_elements(By.CSS_SELECTOR, "#suggest li.active")) == 1)
        shot = os.path.join(scratch, "serve.png")
        driver.save_screenshot(shot)

        # The random article link lands on an article.
        driver.find_element(By.ID, "random").click()
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "h1#title")))
        check("random article", "/samples/" in driver.current_url)

        # Full-text search: a word of an article's text, Enter, the results.
        driver.get(base + "/samples/")
        box = wait.until(EC.presence_of_element_located((By.ID, "q")))
        check("the box searches articles", box.get_attribute("placeholder") == "Search articles")
        box.send_keys("honeypot")
        box.send_keys("\ue007")  # Enter, no suggestion chosen: the form goes
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "ol.results li a.title")))
        check("Enter opens the results page: %s" % driver.current_url,
              driver.current_url == base + "/samples/search?q=honeypot")
        hits = driver.find_elements(By.CSS_SELECTOR, "ol.results li a.title")
        check("results listed: %s" % [h.text for h in hits], "Kippo" in [h.text for h in hits])
        marks = [m.text.lower() for m in driver.find_elements(By.CSS_SELECTOR, "ol.results p.snippet mark")]
        check("the word marked in a snippet: %s" % marks, any(m.startswith("honeypot") for m in marks))
        check("the box keeps the query", driver.find_element(By.ID, "q").get_attribute("value") == "honeypot")
        driver.save_screenshot(os.path.join(scratch, "search.png"))
        [h for h in hits if h.text == "Kippo"][0].click()
        wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "h1#title"), "Kippo"))
        check("a result opens its article", driver.current_url == base + "/samples/A/Kippo")

        # No script errors or blocked resources (the pages' CSP included).
        severe = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
        check("no console errors: %s" % severe, not severe)
        if save and not failures:
            os.makedirs(os.path.dirname(save), exist_ok=True)
            shutil.copyfile(shot, save)
    finally:
        if driver:
            driver.quit()
        server.terminate()
        rc = server.wait(timeout=20)
    check("server stops cleanly", rc == 0)
    print("%d passed, %d failed" % (len(passed), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
