package main

// The README's walkthroughs, run as they are written: the fenced blocks of
// its sections "The export flow with curl", "Train, deploy and predict with
// curl", "The Azure SDK for Python pointed at Parley" and "The CLI" run
// against the real binary, from the root of the repository, and must leave
// the repository as they found it. A block that stops working when pasted
// fails this test.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// The sections of README.md whose blocks are walkthroughs.
const (
	walkExport = "The export flow with curl"
	walkTrain  = "Train, deploy and predict with curl"
	walkSDK    = "The Azure SDK for Python pointed at Parley"
	walkCLI    = "The CLI"
)

// walkPython is the Python of Debian, whose python3-azure package has the
// SDK; the README tells to run the SDK walkthrough with it.
const walkPython = "/usr/bin/python3"

// walkTimeout bounds one walkthrough's run; the README's wait_job gives up
// after 300 s, and the smoke dataset trains in about a second.
const walkTimeout = 4 * time.Minute

// codeBlock is a fenced block of a Markdown file.
type codeBlock struct {
	lang string // the fence's info string, such as "sh"
	text string
	line int // of the opening fence, from 1
}

// readmeBlocks returns the fenced blocks of a Markdown file by the "## "
// heading they are under.
func readmeBlocks(t *testing.T, name string) map[string][]codeBlock {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	blocks := map[string][]codeBlock{}
	var heading string
	var cur *codeBlock
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case cur != nil && strings.TrimSpace(line) == "```":
			blocks[heading] = append(blocks[heading], *cur)
			cur = nil
		case cur != nil:
			cur.text += line + "\n"
		case strings.HasPrefix(line, "```"):
			cur = &codeBlock{lang: strings.TrimSpace(strings.TrimPrefix(line, "```")), line: n}
		case strings.HasPrefix(line, "## "):
			heading = strings.TrimSpace(strings.TrimPrefix(line, "## "))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if cur != nil {
		t.Fatalf("%s: the block opened on line %d is not closed", name, cur.line)
	}
	return blocks
}

// walkthrough returns the one block of section, which must be in lang.
func walkthrough(t *testing.T, blocks map[string][]codeBlock, section, lang string) string {
	t.Helper()
	bs := blocks[section]
	if len(bs) != 1 {
		t.Fatalf("README.md: section %q has %d fenced blocks, want its walkthrough as one block", section, len(bs))
	}
	if bs[0].lang != lang {
		t.Fatalf("README.md line %d: the walkthrough of %q is a %q block, want %q", bs[0].line, section, bs[0].lang, lang)
	}
	return bs[0].text
}

// prerequisite skips the test, naming what is missing and where it comes
// from, unless PARLEY_TEST_STRICT=1 (CI), where nothing may be skipped.
func prerequisite(t *testing.T, ok bool, format string, args ...any) {
	t.Helper()
	if ok {
		return
	}
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("PARLEY_TEST_STRICT") == "1" {
		t.Fatalf("%s, and PARLEY_TEST_STRICT=1 forbids skipping", msg)
	}
	t.Skip(msg)
}

func onPath(name string) bool {
	_, err := exec.LookPath(name)
	return err == nil
}

// walkServer is a parley server for one walkthrough.
type walkServer struct {
	c   *child
	key string
}

// startWalkServer starts parley serve on a free loopback port, with a data
// directory of its own and a random key.
func startWalkServer(t *testing.T) *walkServer {
	t.Helper()
	k := make([]byte, 12)
	rand.Read(k)
	key := "walkthrough-" + hex.EncodeToString(k)
	return &walkServer{serve(t, nil, "--listen", "127.0.0.1:0", "--data", t.TempDir(), "--key", key), key}
}

// get GETs a path of the server with its key and returns the status and body.
func (s *walkServer) get(t *testing.T, path string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", s.c.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Ocp-Apim-Subscription-Key", s.key)
	resp, err := procClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	return resp.StatusCode, buf.Bytes()
}

// walkEnv is the environment of a walkthrough: this process's, without the
// variables the walkthroughs read or that could change what bash, curl or
// Python do (a proxy, a ~/.curlrc, a PYTHONPATH), with PATH starting at the
// directory of the parley command, TMPDIR (where the walkthroughs' mktemp
// makes $OUT) and HOME in fresh directories, and then extra.
func walkEnv(t *testing.T, pathDir, tmp string, extra ...string) []string {
	t.Helper()
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		switch strings.ToUpper(name) {
		case "EP", "KEY", "OUT", "V", "P", "OP", "DOC", "RESULT", "PATH", "HOME", "TMPDIR",
			"BASH_ENV", "ENV", "CDPATH", "SHELLOPTS", "BASHOPTS", "CURL_HOME", "XDG_CONFIG_HOME",
			"NO_PROXY", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY":
			return true
		}
		return strings.HasPrefix(name, "PARLEY_") || strings.HasPrefix(name, "PYTHON")
	})
	return append(env, slices.Concat([]string{
		"PATH=" + pathDir + string(os.PathListSeparator) + os.Getenv("PATH"),
		"HOME=" + t.TempDir(),
		"TMPDIR=" + tmp,
		"no_proxy=127.0.0.1,localhost", "NO_PROXY=127.0.0.1,localhost",
	}, extra)...)
}

// runWalk runs a walkthrough's command in dir and returns its standard
// output; it fails the test, showing both outputs, unless it exits 0.
func runWalk(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), walkTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir, cmd.Env = dir, env
	cmd.WaitDelay = 10 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	if err != nil {
		t.Fatalf("%s: %v after %v\nstdout:\n%s\nstderr:\n%s", name, err, time.Since(start).Round(time.Millisecond), stdout.String(), stderr.String())
	}
	t.Logf("%s exited 0 after %v; stderr:\n%s", name, time.Since(start).Round(time.Millisecond), stderr.String())
	return stdout.String()
}

// bashArgs runs blocks, joined, as one script with errexit, nounset and
// pipefail, so that a failure anywhere fails the run.
func bashArgs(blocks ...string) []string {
	return []string{"-euo", "pipefail", "-c", strings.Join(blocks, "\n")}
}

// outDirs returns the directories the walkthroughs made in tmp with
// mktemp -d, their $OUT.
func outDirs(t *testing.T, tmp string) []string {
	t.Helper()
	es, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range es {
		if e.IsDir() {
			dirs = append(dirs, filepath.Join(tmp, e.Name()))
		}
	}
	return dirs
}

// oneOutDir returns the one directory the walkthroughs made in tmp.
func oneOutDir(t *testing.T, tmp string) string {
	t.Helper()
	dirs := outDirs(t, tmp)
	if len(dirs) != 1 {
		t.Fatalf("the walkthroughs made %d directories in TMPDIR, want one $OUT: %q", len(dirs), dirs)
	}
	return dirs[0]
}

// contains fails the test unless out has every one of wants.
func contains(t *testing.T, what, out string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("%s: the output lacks %q; it is:\n%s", what, w, out)
		}
	}
}

// readJSON decodes the JSON file name into v.
func readJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s is not JSON: %v\n%.500s", name, err, b)
	}
}

// projectFile is what the tests read of a project file.
type projectFile struct {
	Metadata struct {
		ProjectName string `json:"projectName"`
	} `json:"metadata"`
	Assets struct {
		Utterances []json.RawMessage `json:"utterances"`
	} `json:"assets"`
}

// checkExported checks that name is an export of the smoke project: its name,
// and as many utterances as the dataset.
func checkExported(t *testing.T, name string) {
	t.Helper()
	var smoke, got projectFile
	if err := json.Unmarshal(readFile(t, smokeFile), &smoke); err != nil {
		t.Fatal(err)
	}
	readJSON(t, name, &got)
	if got.Metadata.ProjectName != smokeName || len(got.Assets.Utterances) != len(smoke.Assets.Utterances) {
		t.Errorf("%s: project %q with %d utterances, want %q with %d", name,
			got.Metadata.ProjectName, len(got.Assets.Utterances), smokeName, len(smoke.Assets.Utterances))
	}
}

// checkCurlTrain checks what the train, deploy and predict block leaves in
// its $OUT: an evaluation summary and the answer to the jazz query.
func checkCurlTrain(t *testing.T, out string) {
	t.Helper()
	var summary struct {
		IntentsEvaluation struct {
			MicroF1 *float64 `json:"microF1"`
		} `json:"intentsEvaluation"`
	}
	readJSON(t, filepath.Join(out, "summary.json"), &summary)
	if f1 := summary.IntentsEvaluation.MicroF1; f1 == nil || *f1 < 0.7 {
		t.Errorf("summary.json: intentsEvaluation.microF1 = %v, want at least 0.7", f1)
	}
	var answer struct {
		Result struct {
			Prediction struct {
				TopIntent string `json:"topIntent"`
			} `json:"prediction"`
		} `json:"result"`
	}
	readJSON(t, filepath.Join(out, "answer.json"), &answer)
	if got := answer.Result.Prediction.TopIntent; got != "PlayMusic" {
		t.Errorf("answer.json: topIntent %q, want PlayMusic", got)
	}
}

// treeState lists every file and directory under root, except the .git
// entry, with the size and modification time of each file and the target of
// each link.
func treeState(t *testing.T, root string) map[string]string {
	t.Helper()
	state := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel == ".git" {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			state[rel] = "directory"
		case info.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			state[rel] = "link to " + target
		default:
			state[rel] = fmt.Sprintf("%v, %d bytes, modified %s", info.Mode(), info.Size(), info.ModTime().Format(time.RFC3339Nano))
		}
		return nil
	})
	if err != nil {
		t.Fatalf("listing %s: %v", root, err)
	}
	return state
}

// treeChanges describes how after differs from before.
func treeChanges(before, after map[string]string) []string {
	var changes []string
	for p, a := range after {
		if b, ok := before[p]; !ok {
			changes = append(changes, fmt.Sprintf("%s: new (%s)", p, a))
		} else if a != b {
			changes = append(changes, fmt.Sprintf("%s: was %s, now %s", p, b, a))
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			changes = append(changes, p+": removed")
		}
	}
	slices.Sort(changes)
	return changes
}

var (
	cliTopIntent  = regexp.MustCompile(`(?m)^top intent +PlayMusic \(`)
	cliDeployment = regexp.MustCompile(`(?m)^deployment +production$`)
)

// TestWalkthroughs runs the README's walkthroughs, as written, against the
// real binary: the two curl blocks in one shell in order, and again each in
// a shell of its own; the Python SDK program with Debian's Python; the CLI
// block with the built parley first on PATH. Each runs from the root of
// the repository on a server of its own; none may write there.
func TestWalkthroughs(t *testing.T) {
	bin := parleyBinary(t)
	t.Parallel()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	blocks := readmeBlocks(t, filepath.Join(root, "README.md"))
	export := walkthrough(t, blocks, walkExport, "sh")
	train := walkthrough(t, blocks, walkTrain, "sh")
	sdk := walkthrough(t, blocks, walkSDK, "python")
	cli := walkthrough(t, blocks, walkCLI, "sh")
	prerequisite(t, onPath("bash"), "README walkthroughs: bash is not on PATH")

	// The parley command the CLI walkthrough finds first on PATH.
	pathDir := t.TempDir()
	if err := os.Symlink(bin, filepath.Join(pathDir, "parley")); err != nil {
		t.Fatal(err)
	}

	before := treeState(t, root)
	t.Cleanup(func() {
		if changes := treeChanges(before, treeState(t, root)); len(changes) > 0 {
			t.Errorf("the walkthroughs changed the repository at %s:\n  %s", root, strings.Join(changes, "\n  "))
		}
	})

	needCurl := func(t *testing.T) {
		if os.Getenv("PARLEY_TEST_SKIP_WALKTHROUGHS") == "1" {
			t.Skip("README curl walkthroughs: PARLEY_TEST_SKIP_WALKTHROUGHS=1 (scripts/test sets it when curl is missing)")
		}
		prerequisite(t, onPath("curl"), "README curl walkthroughs: curl is not on PATH (Debian package curl)")
	}

	t.Run("curl", func(t *testing.T) {
		t.Parallel()
		needCurl(t)
		srv := startWalkServer(t)
		tmp := t.TempDir()
		out := runWalk(t, root, walkEnv(t, pathDir, tmp, "EP="+srv.c.base, "KEY="+srv.key), "bash", bashArgs(export, train)...)
		contains(t, "curl walkthroughs", out,
			`"projectName":"`+smokeName+`"`, `"intentsEvaluation":`, `"microF1":`, "top intent: PlayMusic")
		dir := oneOutDir(t, tmp)
		checkExported(t, filepath.Join(dir, "exported.json"))
		checkCurlTrain(t, dir)
	})

	t.Run("curl-one-shell-each", func(t *testing.T) {
		t.Parallel()
		needCurl(t)
		srv := startWalkServer(t)
		exportTmp, trainTmp := t.TempDir(), t.TempDir()
		out := runWalk(t, root, walkEnv(t, pathDir, exportTmp, "EP="+srv.c.base, "KEY="+srv.key), "bash", bashArgs(export)...)
		contains(t, walkExport, out, `"projectName":"`+smokeName+`"`)
		checkExported(t, filepath.Join(oneOutDir(t, exportTmp), "exported.json"))
		out = runWalk(t, root, walkEnv(t, pathDir, trainTmp, "EP="+srv.c.base, "KEY="+srv.key), "bash", bashArgs(train)...)
		contains(t, walkTrain, out, "top intent: PlayMusic")
		checkCurlTrain(t, oneOutDir(t, trainTmp))
	})

	t.Run("python-sdk", func(t *testing.T) {
		t.Parallel()
		err := exec.Command(walkPython, "-c", "import azure.ai.language.conversations.authoring").Run()
		prerequisite(t, err == nil, "README SDK walkthrough: %s cannot import azure.ai.language.conversations.authoring (%v); install Debian's python3-azure", walkPython, err)
		srv := startWalkServer(t)
		tmp := t.TempDir()
		program := filepath.Join(t.TempDir(), "walkthrough_sdk.py")
		if err := os.WriteFile(program, []byte(sdk), 0o644); err != nil {
			t.Fatal(err)
		}
		out := runWalk(t, root, walkEnv(t, pathDir, tmp, "PARLEY_ENDPOINT="+srv.c.base, "PARLEY_KEY="+srv.key), walkPython, program)
		contains(t, walkSDK, out, "projects: SNIPS2017-sdk\n", "training: succeeded\n", "deployed: production ", "top intent: PlayMusic\n")
		if dirs := outDirs(t, tmp); len(dirs) > 0 {
			t.Errorf("the SDK walkthrough made directories in TMPDIR: %q", dirs)
		}
		if status, b := srv.get(t, procPrefix+"SNIPS2017-sdk/deployments/production?api-version="+procAPIVersion); status != http.StatusOK {
			t.Errorf("after the SDK walkthrough, GET its deployment = %d %s, want 200", status, b)
		}
	})

	t.Run("cli", func(t *testing.T) {
		t.Parallel()
		srv := startWalkServer(t)
		tmp := t.TempDir()
		env := walkEnv(t, pathDir, tmp, "PARLEY_ENDPOINT="+srv.c.base, "PARLEY_KEY="+srv.key)
		if got := strings.TrimSpace(runWalk(t, root, env, "bash", "-c", "command -v parley")); got != filepath.Join(pathDir, "parley") {
			t.Fatalf("the CLI walkthrough's parley is %q, want the one built, %q", got, filepath.Join(pathDir, "parley"))
		}
		out := runWalk(t, root, env, "bash", bashArgs(cli)...)
		if !cliDeployment.MatchString(out) || !cliTopIntent.MatchString(out) {
			t.Errorf("parley deploy and predict: no lines \"deployment  production\" and \"top intent  PlayMusic (...)\" in the output:\n%s", out)
		}
		contains(t, walkCLI, out, "intent accuracy",
			"book a table for two in paris\tBookRestaurant\t", "will it rain in london tomorrow\tGetWeather\t")
		dir := oneOutDir(t, tmp)
		checkExported(t, filepath.Join(dir, "snips.json"))
		if status, b := srv.get(t, procPrefix+smokeName+"?api-version="+procAPIVersion); status != http.StatusNotFound {
			t.Errorf("after parley project delete, GET the project = %d %s, want 404", status, b)
		}
	})
}
