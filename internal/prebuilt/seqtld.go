package prebuilt

import "strings"

// seqTLDs are the top-level domains a bare host name ("bit.ly") may end
// in to count as a URL: the generic and sponsored ones in common use, a
// few brand domains, and the IANA country codes. It is a closed list on
// purpose, so that "image2.png" or "working..is" are not URLs; "xxx" is
// left out, as Recognizers leaves it out.
var seqTLDs = func() map[string]bool {
	const generic = `com net org edu gov mil int info biz name pro aero coop museum mobi asia tel travel jobs cat
		app dev page blog cloud online site website web tech store shop news media live life world today
		academy agency business center company consulting design digital email expert global group guru
		host hosting link network one plus services solutions space studio support systems team tools
		wiki work works xyz top club art music photo photos video game games social chat zone
		aws azure microsoft office windows bing xbox google youtube android gmail amazon apple
		bank insurance law legal health care clinic school university college education ltd llc inc`
	const country = `ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo br bs bt
		bw by bz ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz ec ee eg er es et
		eu fi fj fk fm fo fr ga gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il
		im in io iq ir is it je jm jo jp ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma
		mc md me mg mh mk ml mm mn mo mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om
		pa pe pf pg ph pk pl pm pn pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sk sl sm sn so sr
		ss st su sv sx sy sz tc td tf tg th tj tk tl tm tn to tr tt tv tw tz ua ug uk us uy uz va vc ve vg vi
		vn vu wf ws ye yt za zm zw`
	m := map[string]bool{}
	for _, t := range strings.Fields(generic + " " + country) {
		m[t] = true
	}
	return m
}()
