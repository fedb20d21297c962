{
	"patcher": {
		"fileversion": 1,
		"appversion": {
			"major": 8,
			"minor": 5,
			"revision": 5,
			"architecture": "x64",
			"modernui": 1
		},
		"classnamespace": "box",
		"rect": [
			40.0,
			60.0,
			1100.0,
			760.0
		],
		"bglocked": 0,
		"openinpresentation": 1,
		"default_fontsize": 12.0,
		"default_fontface": 0,
		"default_fontname": "Arial",
		"gridonopen": 1,
		"gridsize": [
			15.0,
			15.0
		],
		"gridsnaponopen": 1,
		"toolbarvisible": 1,
		"boxanimatetime": 200,
		"enablehscroll": 1,
		"enablevscroll": 1,
		"devicewidth": 0.0,
		"description": "",
		"digest": "",
		"tags": "",
		"style": "",
		"boxes": [
			{
				"box": {
					"id": "obj-1",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						10.0,
						300.0,
						20.0
					],
					"presentation": 1,
					"presentation_rect": [
						10.0,
						5.0,
						300.0,
						20.0
					],
					"text": "sidl control panel"
				}
			},
			{
				"box": {
					"id": "obj-2",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						35.0,
						720.0,
						20.0
					],
					"presentation": 1,
					"presentation_rect": [
						10.0,
						640.0,
						770.0,
						20.0
					],
					"text": "Routing: sidl run creates virtual MIDI ports 'sidl in' / 'sidl out' (macOS CoreMIDI, Linux ALSA or JACK)."
				}
			},
			{
				"box": {
					"id": "obj-3",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						55.0,
						720.0,
						20.0
					],
					"presentation": 1,
					"presentation_rect": [
						10.0,
						660.0,
						770.0,
						20.0
					],
					"text": "macOS: they appear in Live/Max like the IAC Driver buses. Windows: make two loopMIDI ports, sidl run --in/--out."
				}
			},
			{
				"box": {
					"id": "obj-4",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						75.0,
						720.0,
						20.0
					],
					"presentation": 1,
					"presentation_rect": [
						10.0,
						680.0,
						770.0,
						20.0
					],
					"text": "In Live: a MIDI track whose output is 'sidl in' (what you play goes to the bridge),"
				}
			},
			{
				"box": {
					"id": "obj-5",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						95.0,
						720.0,
						20.0
					],
					"presentation": 1,
					"presentation_rect": [
						10.0,
						700.0,
						770.0,
						20.0
					],
					"text": "another MIDI track whose input is 'sidl out' (monitor In) plays the bridge's notes on an instrument."
				}
			},
			{
				"box": {
					"id": "obj-6",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						115.0,
						720.0,
						20.0
					],
					"presentation": 1,
					"presentation_rect": [
						10.0,
						720.0,
						770.0,
						20.0
					],
					"text": "OSC: this patch sends to udp 127.0.0.1:9000; the bridge answers on the port named in /sidl/register."
				}
			},
			{
				"box": {
					"id": "obj-7",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						"bang"
					],
					"patching_rect": [
						800.0,
						20.0,
						68.0,
						22.0
					],
					"text": "loadbang"
				}
			},
			{
				"box": {
					"id": "obj-8",
					"maxclass": "button",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						"bang"
					],
					"patching_rect": [
						880.0,
						20.0,
						24.0,
						24.0
					],
					"presentation": 1,
					"presentation_rect": [
						700.0,
						5.0,
						24.0,
						24.0
					]
				}
			},
			{
				"box": {
					"id": "obj-9",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						910.0,
						22.0,
						80.0,
						20.0
					],
					"presentation": 1,
					"presentation_rect": [
						728.0,
						7.0,
						80.0,
						20.0
					],
					"text": "reconnect"
				}
			},
			{
				"box": {
					"id": "obj-10",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						800.0,
						150.0,
						166.0,
						22.0
					],
					"text": "udpsend 127.0.0.1 9000"
				}
			},
			{
				"box": {
					"id": "obj-11",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"bang",
						"bang"
					],
					"patching_rect": [
						800.0,
						60.0,
						47.0,
						22.0
					],
					"text": "t b b"
				}
			},
			{
				"box": {
					"id": "obj-12",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						900.0,
						105.0,
						145.0,
						22.0
					],
					"text": "/sidl/register 9001"
				}
			},
			{
				"box": {
					"id": "obj-13",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						800.0,
						105.0,
						89.0,
						22.0
					],
					"text": "/sidl/query"
				}
			},
			{
				"box": {
					"id": "obj-14",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						160.0,
						60.0,
						20.0
					],
					"presentation": 1,
					"presentation_rect": [
						10.0,
						35.0,
						60.0,
						20.0
					],
					"text": "mode"
				}
			},
			{
				"box": {
					"id": "obj-15",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						20.0,
						195.0,
						117.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						80.0,
						35.0,
						117.0,
						22.0
					],
					"text": "/sidl/mode loop"
				}
			},
			{
				"box": {
					"id": "obj-16",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						141.0,
						195.0,
						131.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						201.0,
						35.0,
						131.0,
						22.0
					],
					"text": "/sidl/mode filter"
				}
			},
			{
				"box": {
					"id": "obj-17",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						276.0,
						195.0,
						145.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						336.0,
						35.0,
						145.0,
						22.0
					],
					"text": "/sidl/mode generate"
				}
			},
			{
				"box": {
					"id": "obj-18",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						230.0,
						60.0,
						20.0
					],
					"presentation": 1,
					"presentation_rect": [
						10.0,
						62.0,
						60.0,
						20.0
					],
					"text": "clock"
				}
			},
			{
				"box": {
					"id": "obj-19",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						20.0,
						265.0,
						152.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						80.0,
						62.0,
						152.0,
						22.0
					],
					"text": "/sidl/clock internal"
				}
			},
			{
				"box": {
					"id": "obj-20",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						176.0,
						265.0,
						124.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						236.0,
						62.0,
						124.0,
						22.0
					],
					"text": "/sidl/clock midi"
				}
			},
			{
				"box": {
					"id": "obj-21",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						304.0,
						265.0,
						124.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						364.0,
						62.0,
						124.0,
						22.0
					],
					"text": "/sidl/clock link"
				}
			},
			{
				"box": {
					"id": "obj-22",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						432.0,
						265.0,
						124.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						492.0,
						62.0,
						124.0,
						22.0
					],
					"text": "/sidl/clock host"
				}
			},
			{
				"box": {
					"id": "obj-23",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						300.0,
						60.0,
						20.0
					],
					"presentation": 1,
					"presentation_rect": [
						10.0,
						89.0,
						60.0,
						20.0
					],
					"text": "model"
				}
			},
			{
				"box": {
					"id": "obj-24",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						20.0,
						335.0,
						131.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						80.0,
						89.0,
						131.0,
						22.0
					],
					"text": "/sidl/model drums"
				}
			},
			{
				"box": {
					"id": "obj-25",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						155.0,
						335.0,
						131.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						215.0,
						89.0,
						131.0,
						22.0
					],
					"text": "/sidl/model piano"
				}
			},
			{
				"box": {
					"id": "obj-26",
					"maxclass": "textedit",
					"numinlets": 1,
					"numoutlets": 4,
					"outlettype": [
						"",
						"int",
						"",
						""
					],
					"patching_rect": [
						400.0,
						335.0,
						220.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						355.0,
						89.0,
						220.0,
						22.0
					],
					"keymode": 1,
					"lines": 1,
					"text": "",
					"hint": "model name or path to a .onnx; Return sends it"
				}
			},
			{
				"box": {
					"id": "obj-27",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						630.0,
						335.0,
						160.0,
						20.0
					],
					"presentation": 1,
					"presentation_rect": [
						580.0,
						91.0,
						140.0,
						20.0
					],
					"text": "(type a path, Return)"
				}
			},
			{
				"box": {
					"id": "obj-28",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						400.0,
						370.0,
						82.0,
						22.0
					],
					"text": "route text"
				}
			},
			{
				"box": {
					"id": "obj-29",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						400.0,
						405.0,
						68.0,
						22.0
					],
					"text": "tosymbol"
				}
			},
			{
				"box": {
					"id": "obj-30",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						400.0,
						440.0,
						145.0,
						22.0
					],
					"text": "prepend /sidl/model"
				}
			},
			{
				"box": {
					"id": "obj-31",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						470.0,
						100.0,
						20.0
					],
					"presentation": 1,
					"presentation_rect": [
						10.0,
						120.0,
						80.0,
						20.0
					],
					"text": "denoise"
				}
			},
			{
				"box": {
					"id": "obj-32",
					"maxclass": "flonum",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"bang"
					],
					"patching_rect": [
						20.0,
						495.0,
						70.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						10.0,
						140.0,
						70.0,
						22.0
					],
					"minimum": 0.0,
					"maximum": 1.0,
					"format": 6,
					"parameter_enable": 0
				}
			},
			{
				"box": {
					"id": "obj-33",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						20.0,
						530.0,
						124.0,
						22.0
					],
					"text": "/sidl/denoise $1"
				}
			},
			{
				"box": {
					"id": "obj-34",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						190.0,
						470.0,
						100.0,
						20.0
					],
					"presentation": 1,
					"presentation_rect": [
						95.0,
						120.0,
						80.0,
						20.0
					],
					"text": "morph"
				}
			},
			{
				"box": {
					"id": "obj-35",
					"maxclass": "flonum",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"bang"
					],
					"patching_rect": [
						190.0,
						495.0,
						70.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						95.0,
						140.0,
						70.0,
						22.0
					],
					"minimum": 0.0,
					"maximum": 1.0,
					"format": 6,
					"parameter_enable": 0
				}
			},
			{
				"box": {
					"id": "obj-36",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						190.0,
						530.0,
						110.0,
						22.0
					],
					"text": "/sidl/morph $1"
				}
			},
			{
				"box": {
					"id": "obj-37",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						360.0,
						470.0,
						100.0,
						20.0
					],
					"presentation": 1,
					"presentation_rect": [
						180.0,
						120.0,
						80.0,
						20.0
					],
					"text": "temperature"
				}
			},
			{
				"box": {
					"id": "obj-38",
					"maxclass": "flonum",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"bang"
					],
					"patching_rect": [
						360.0,
						495.0,
						70.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						180.0,
						140.0,
						70.0,
						22.0
					],
					"minimum": 0.05,
					"maximum": 5.0,
					"format": 6,
					"parameter_enable": 0
				}
			},
			{
				"box": {
					"id": "obj-39",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						360.0,
						530.0,
						152.0,
						22.0
					],
					"text": "/sidl/temperature $1"
				}
			},
			{
				"box": {
					"id": "obj-40",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						530.0,
						470.0,
						100.0,
						20.0
					],
					"presentation": 1,
					"presentation_rect": [
						265.0,
						120.0,
						80.0,
						20.0
					],
					"text": "tempo"
				}
			},
			{
				"box": {
					"id": "obj-41",
					"maxclass": "flonum",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"bang"
					],
					"patching_rect": [
						530.0,
						495.0,
						70.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						265.0,
						140.0,
						70.0,
						22.0
					],
					"minimum": 20.0,
					"maximum": 400.0,
					"format": 6,
					"parameter_enable": 0
				}
			},
			{
				"box": {
					"id": "obj-42",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						530.0,
						530.0,
						110.0,
						22.0
					],
					"text": "/sidl/tempo $1"
				}
			},
			{
				"box": {
					"id": "obj-43",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						700.0,
						470.0,
						100.0,
						20.0
					],
					"presentation": 1,
					"presentation_rect": [
						350.0,
						120.0,
						80.0,
						20.0
					],
					"text": "seed"
				}
			},
			{
				"box": {
					"id": "obj-44",
					"maxclass": "number",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"bang"
					],
					"patching_rect": [
						700.0,
						495.0,
						90.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						350.0,
						140.0,
						90.0,
						22.0
					],
					"minimum": 0,
					"maximum": 2147483647,
					"parameter_enable": 0
				}
			},
			{
				"box": {
					"id": "obj-45",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						700.0,
						530.0,
						103.0,
						22.0
					],
					"text": "/sidl/seed $1"
				}
			},
			{
				"box": {
					"id": "obj-46",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						820.0,
						495.0,
						110.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						460.0,
						130.0,
						110.0,
						32.0
					],
					"text": "/sidl/panic"
				}
			},
			{
				"box": {
					"id": "obj-47",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						950.0,
						495.0,
						120.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						580.0,
						135.0,
						120.0,
						22.0
					],
					"text": "/sidl/atom/reset"
				}
			},
			{
				"box": {
					"id": "obj-48",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						1100.0,
						470.0,
						180.0,
						20.0
					],
					"presentation": 1,
					"presentation_rect": [
						495.0,
						35.0,
						165.0,
						20.0
					],
					"text": "feel: dictionary \u27f7 player"
				}
			},
			{
				"box": {
					"id": "obj-49",
					"maxclass": "flonum",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"bang"
					],
					"patching_rect": [
						1100.0,
						495.0,
						70.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						662.0,
						35.0,
						70.0,
						22.0
					],
					"minimum": 0.0,
					"maximum": 1.0,
					"format": 6,
					"parameter_enable": 0
				}
			},
			{
				"box": {
					"id": "obj-50",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						1100.0,
						530.0,
						103.0,
						22.0
					],
					"text": "/sidl/feel $1"
				}
			},
			{
				"box": {
					"id": "obj-51",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						580.0,
						460.0,
						20.0
					],
					"presentation": 1,
					"presentation_rect": [
						10.0,
						170.0,
						460.0,
						20.0
					],
					"text": "scene slot 0..15, then store / recall / select (select = where morph goes)"
				}
			},
			{
				"box": {
					"id": "obj-52",
					"maxclass": "number",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"bang"
					],
					"patching_rect": [
						20.0,
						605.0,
						50.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						10.0,
						192.0,
						50.0,
						22.0
					],
					"minimum": 0,
					"maximum": 15,
					"parameter_enable": 0
				}
			},
			{
				"box": {
					"id": "obj-53",
					"maxclass": "button",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						"bang"
					],
					"patching_rect": [
						100.0,
						605.0,
						24.0,
						24.0
					],
					"presentation": 1,
					"presentation_rect": [
						80.0,
						192.0,
						24.0,
						24.0
					]
				}
			},
			{
				"box": {
					"id": "obj-54",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						128.0,
						607.0,
						60.0,
						20.0
					],
					"presentation": 1,
					"presentation_rect": [
						106.0,
						194.0,
						40.0,
						20.0
					],
					"text": "store"
				}
			},
			{
				"box": {
					"id": "obj-55",
					"maxclass": "button",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						"bang"
					],
					"patching_rect": [
						270.0,
						605.0,
						24.0,
						24.0
					],
					"presentation": 1,
					"presentation_rect": [
						150.0,
						192.0,
						24.0,
						24.0
					]
				}
			},
			{
				"box": {
					"id": "obj-56",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						298.0,
						607.0,
						60.0,
						20.0
					],
					"presentation": 1,
					"presentation_rect": [
						176.0,
						194.0,
						40.0,
						20.0
					],
					"text": "recall"
				}
			},
			{
				"box": {
					"id": "obj-57",
					"maxclass": "button",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						"bang"
					],
					"patching_rect": [
						440.0,
						605.0,
						24.0,
						24.0
					],
					"presentation": 1,
					"presentation_rect": [
						220.0,
						192.0,
						24.0,
						24.0
					]
				}
			},
			{
				"box": {
					"id": "obj-58",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						468.0,
						607.0,
						60.0,
						20.0
					],
					"presentation": 1,
					"presentation_rect": [
						246.0,
						194.0,
						40.0,
						20.0
					],
					"text": "select"
				}
			},
			{
				"box": {
					"id": "obj-59",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						"int"
					],
					"patching_rect": [
						100.0,
						645.0,
						40.0,
						22.0
					],
					"text": "i"
				}
			},
			{
				"box": {
					"id": "obj-60",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						100.0,
						680.0,
						152.0,
						22.0
					],
					"text": "/sidl/scene/store $1"
				}
			},
			{
				"box": {
					"id": "obj-61",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						"int"
					],
					"patching_rect": [
						270.0,
						645.0,
						40.0,
						22.0
					],
					"text": "i"
				}
			},
			{
				"box": {
					"id": "obj-62",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						270.0,
						680.0,
						159.0,
						22.0
					],
					"text": "/sidl/scene/recall $1"
				}
			},
			{
				"box": {
					"id": "obj-63",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						"int"
					],
					"patching_rect": [
						440.0,
						645.0,
						40.0,
						22.0
					],
					"text": "i"
				}
			},
			{
				"box": {
					"id": "obj-64",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						440.0,
						680.0,
						159.0,
						22.0
					],
					"text": "/sidl/scene/select $1"
				}
			},
			{
				"box": {
					"id": "obj-65",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						730.0,
						300.0,
						20.0
					],
					"presentation": 1,
					"presentation_rect": [
						10.0,
						220.0,
						260.0,
						20.0
					],
					"text": "atom mute: cell = atom row*32 + column"
				}
			},
			{
				"box": {
					"id": "obj-66",
					"maxclass": "matrixctrl",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"list",
						"list"
					],
					"patching_rect": [
						20.0,
						755.0,
						256.0,
						256.0
					],
					"presentation": 1,
					"presentation_rect": [
						10.0,
						240.0,
						256.0,
						256.0
					],
					"rows": 32,
					"columns": 32,
					"parameter_enable": 0
				}
			},
			{
				"box": {
					"id": "obj-67",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 3,
					"outlettype": [
						"int",
						"int",
						"int"
					],
					"patching_rect": [
						20.0,
						1026.0,
						96.0,
						22.0
					],
					"text": "unpack i i i"
				}
			},
			{
				"box": {
					"id": "obj-68",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						"int"
					],
					"patching_rect": [
						70.0,
						1061.0,
						40.0,
						22.0
					],
					"text": "* 32"
				}
			},
			{
				"box": {
					"id": "obj-69",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						"int"
					],
					"patching_rect": [
						20.0,
						1096.0,
						40.0,
						22.0
					],
					"text": "+"
				}
			},
			{
				"box": {
					"id": "obj-70",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						20.0,
						1131.0,
						68.0,
						22.0
					],
					"text": "pack i i"
				}
			},
			{
				"box": {
					"id": "obj-71",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						20.0,
						1166.0,
						173.0,
						22.0
					],
					"text": "prepend /sidl/atom/mute"
				}
			},
			{
				"box": {
					"id": "obj-72",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						340.0,
						730.0,
						300.0,
						20.0
					],
					"presentation": 1,
					"presentation_rect": [
						280.0,
						220.0,
						260.0,
						20.0
					],
					"text": "atom solo: cell = atom row*32 + column"
				}
			},
			{
				"box": {
					"id": "obj-73",
					"maxclass": "matrixctrl",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"list",
						"list"
					],
					"patching_rect": [
						340.0,
						755.0,
						256.0,
						256.0
					],
					"presentation": 1,
					"presentation_rect": [
						280.0,
						240.0,
						256.0,
						256.0
					],
					"rows": 32,
					"columns": 32,
					"parameter_enable": 0
				}
			},
			{
				"box": {
					"id": "obj-74",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 3,
					"outlettype": [
						"int",
						"int",
						"int"
					],
					"patching_rect": [
						340.0,
						1026.0,
						96.0,
						22.0
					],
					"text": "unpack i i i"
				}
			},
			{
				"box": {
					"id": "obj-75",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						"int"
					],
					"patching_rect": [
						390.0,
						1061.0,
						40.0,
						22.0
					],
					"text": "* 32"
				}
			},
			{
				"box": {
					"id": "obj-76",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						"int"
					],
					"patching_rect": [
						340.0,
						1096.0,
						40.0,
						22.0
					],
					"text": "+"
				}
			},
			{
				"box": {
					"id": "obj-77",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						340.0,
						1131.0,
						68.0,
						22.0
					],
					"text": "pack i i"
				}
			},
			{
				"box": {
					"id": "obj-78",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						340.0,
						1166.0,
						173.0,
						22.0
					],
					"text": "prepend /sidl/atom/solo"
				}
			},
			{
				"box": {
					"id": "obj-79",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						660.0,
						730.0,
						200.0,
						20.0
					],
					"presentation": 1,
					"presentation_rect": [
						550.0,
						220.0,
						200.0,
						20.0
					],
					"text": "atom gain: atom, gain 0..4"
				}
			},
			{
				"box": {
					"id": "obj-80",
					"maxclass": "number",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"bang"
					],
					"patching_rect": [
						660.0,
						755.0,
						60.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						550.0,
						240.0,
						60.0,
						22.0
					],
					"minimum": 0,
					"maximum": 4095,
					"parameter_enable": 0
				}
			},
			{
				"box": {
					"id": "obj-81",
					"maxclass": "flonum",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"bang"
					],
					"patching_rect": [
						730.0,
						755.0,
						60.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						615.0,
						240.0,
						60.0,
						22.0
					],
					"minimum": 0.0,
					"maximum": 4.0,
					"format": 6,
					"parameter_enable": 0
				}
			},
			{
				"box": {
					"id": "obj-82",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"bang",
						"float"
					],
					"patching_rect": [
						740.0,
						790.0,
						47.0,
						22.0
					],
					"text": "t b f"
				}
			},
			{
				"box": {
					"id": "obj-83",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						660.0,
						825.0,
						68.0,
						22.0
					],
					"text": "pack i f"
				}
			},
			{
				"box": {
					"id": "obj-84",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						660.0,
						860.0,
						173.0,
						22.0
					],
					"text": "prepend /sidl/atom/gain"
				}
			},
			{
				"box": {
					"id": "obj-85",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						1200.0,
						420.0,
						20.0
					],
					"presentation": 1,
					"presentation_rect": [
						10.0,
						505.0,
						420.0,
						20.0
					],
					"text": "per-bar atom activity (size follows the model: 1024 drums, 256 piano)"
				}
			},
			{
				"box": {
					"id": "obj-86",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20.0,
						1230.0,
						420.0,
						20.0
					],
					"presentation": 1,
					"presentation_rect": [
						550.0,
						280.0,
						230.0,
						20.0
					],
					"text": "bar / step            process us / late     tempo / source"
				}
			},
			{
				"box": {
					"id": "obj-87",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						20.0,
						1260.0,
						117.0,
						22.0
					],
					"text": "udpreceive 9001"
				}
			},
			{
				"box": {
					"id": "obj-88",
					"maxclass": "newobj",
					"numinlets": 7,
					"numoutlets": 7,
					"outlettype": [
						"",
						"",
						"",
						"",
						"",
						"",
						""
					],
					"patching_rect": [
						20.0,
						1295.0,
						586.0,
						22.0
					],
					"text": "route /sidl/bar /sidl/activity /sidl/stats /sidl/tempo/now /sidl/error /sidl/state"
				}
			},
			{
				"box": {
					"id": "obj-89",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"int",
						"int"
					],
					"patching_rect": [
						20.0,
						1340.0,
						82.0,
						22.0
					],
					"text": "unpack i i"
				}
			},
			{
				"box": {
					"id": "obj-90",
					"maxclass": "number",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"bang"
					],
					"patching_rect": [
						20.0,
						1375.0,
						60.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						550.0,
						300.0,
						60.0,
						22.0
					],
					"ignoreclick": 1
				}
			},
			{
				"box": {
					"id": "obj-91",
					"maxclass": "number",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"bang"
					],
					"patching_rect": [
						85.0,
						1375.0,
						50.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						615.0,
						300.0,
						50.0,
						22.0
					],
					"ignoreclick": 1
				}
			},
			{
				"box": {
					"id": "obj-92",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						150.0,
						1340.0,
						47.0,
						22.0
					],
					"text": "t l l"
				}
			},
			{
				"box": {
					"id": "obj-93",
					"maxclass": "newobj",
					"numinlets": 2,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						220.0,
						1375.0,
						54.0,
						22.0
					],
					"text": "zl len"
				}
			},
			{
				"box": {
					"id": "obj-94",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						220.0,
						1410.0,
						96.0,
						22.0
					],
					"text": "prepend size"
				}
			},
			{
				"box": {
					"id": "obj-95",
					"maxclass": "multislider",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						150.0,
						1445.0,
						300.0,
						60.0
					],
					"presentation": 1,
					"presentation_rect": [
						10.0,
						525.0,
						770.0,
						100.0
					],
					"size": 1024,
					"setminmax": [
						0.0,
						1.0
					],
					"setstyle": 1,
					"ignoreclick": 1,
					"contdata": 1
				}
			},
			{
				"box": {
					"id": "obj-96",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"float",
						"int"
					],
					"patching_rect": [
						470.0,
						1340.0,
						82.0,
						22.0
					],
					"text": "unpack f i"
				}
			},
			{
				"box": {
					"id": "obj-97",
					"maxclass": "flonum",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"bang"
					],
					"patching_rect": [
						470.0,
						1375.0,
						70.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						550.0,
						330.0,
						70.0,
						22.0
					],
					"ignoreclick": 1,
					"format": 6
				}
			},
			{
				"box": {
					"id": "obj-98",
					"maxclass": "number",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"bang"
					],
					"patching_rect": [
						545.0,
						1375.0,
						60.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						625.0,
						330.0,
						60.0,
						22.0
					],
					"ignoreclick": 1
				}
			},
			{
				"box": {
					"id": "obj-99",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"float",
						""
					],
					"patching_rect": [
						620.0,
						1340.0,
						82.0,
						22.0
					],
					"text": "unpack f s"
				}
			},
			{
				"box": {
					"id": "obj-100",
					"maxclass": "flonum",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"bang"
					],
					"patching_rect": [
						620.0,
						1375.0,
						70.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						550.0,
						360.0,
						70.0,
						22.0
					],
					"ignoreclick": 1,
					"format": 6
				}
			},
			{
				"box": {
					"id": "obj-101",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						700.0,
						1375.0,
						89.0,
						22.0
					],
					"text": "prepend set"
				}
			},
			{
				"box": {
					"id": "obj-102",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						700.0,
						1410.0,
						70.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						625.0,
						360.0,
						70.0,
						22.0
					],
					"text": ""
				}
			},
			{
				"box": {
					"id": "obj-103",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						470.0,
						1445.0,
						89.0,
						22.0
					],
					"text": "prepend set"
				}
			},
			{
				"box": {
					"id": "obj-104",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						470.0,
						1480.0,
						300.0,
						22.0
					],
					"presentation": 1,
					"presentation_rect": [
						550.0,
						390.0,
						230.0,
						22.0
					],
					"text": ""
				}
			},
			{
				"box": {
					"id": "obj-105",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						780.0,
						1340.0,
						124.0,
						22.0
					],
					"text": "print sidl-state"
				}
			}
		],
		"lines": [
			{
				"patchline": {
					"destination": [
						"obj-11",
						0
					],
					"source": [
						"obj-7",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-11",
						0
					],
					"source": [
						"obj-8",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-12",
						0
					],
					"source": [
						"obj-11",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-13",
						0
					],
					"source": [
						"obj-11",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-10",
						0
					],
					"source": [
						"obj-12",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-10",
						0
					],
					"source": [
						"obj-13",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-10",
						0
					],
					"source": [
						"obj-15",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-10",
						0
					],
					"source": [
						"obj-16",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-10",
						0
					],
					"source": [
						"obj-17",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-10",
						0
					],
					"source": [
						"obj-19",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-10",
						0
					],
					"source": [
						"obj-20",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-10",
						0
					],
					"source": [
						"obj-21",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-10",
						0
					],
					"source": [
						"obj-22",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-10",
						0
					],
					"source": [
						"obj-24",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-10",
						0
					],
					"source": [
						"obj-25",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-28",
						0
					],
					"source": [
						"obj-26",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-29",
						0
					],
					"source": [
						"obj-28",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-29",
						0
					],
					"source": [
						"obj-28",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-30",
						0
					],
					"source": [
						"obj-29",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-10",
						0
					],
					"source": [
						"obj-30",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-33",
						0
					],
					"source": [
						"obj-32",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-10",
						0
					],
					"source": [
						"obj-33",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-36",
						0
					],
					"source": [
						"obj-35",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-10",
						0
					],
					"source": [
						"obj-36",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-39",
						0
					],
					"source": [
						"obj-38",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-10",
						0
					],
					"source": [
						"obj-39",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-42",
						0
					],
					"source": [
						"obj-41",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-10",
						0
					],
					"source": [
						"obj-42",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-45",
						0
					],
					"source": [
						"obj-44",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-10",
						0
					],
					"source": [
						"obj-45",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-10",
						0
					],
					"source": [
						"obj-46",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-10",
						0
					],
					"source": [
						"obj-47",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-50",
						0
					],
					"source": [
						"obj-49",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-10",
						0
					],
					"source": [
						"obj-50",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-59",
						1
					],
					"source": [
						"obj-52",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-59",
						0
					],
					"source": [
						"obj-53",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-60",
						0
					],
					"source": [
						"obj-59",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-10",
						0
					],
					"source": [
						"obj-60",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-61",
						1
					],
					"source": [
						"obj-52",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-61",
						0
					],
					"source": [
						"obj-55",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-62",
						0
					],
					"source": [
						"obj-61",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-10",
						0
					],
					"source": [
						"obj-62",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-63",
						1
					],
					"source": [
						"obj-52",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-63",
						0
					],
					"source": [
						"obj-57",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-64",
						0
					],
					"source": [
						"obj-63",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-10",
						0
					],
					"source": [
						"obj-64",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-67",
						0
					],
					"source": [
						"obj-66",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-70",
						1
					],
					"source": [
						"obj-67",
						2
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-68",
						0
					],
					"source": [
						"obj-67",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-69",
						1
					],
					"source": [
						"obj-68",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-69",
						0
					],
					"source": [
						"obj-67",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-70",
						0
					],
					"source": [
						"obj-69",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-71",
						0
					],
					"source": [
						"obj-70",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-10",
						0
					],
					"source": [
						"obj-71",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-74",
						0
					],
					"source": [
						"obj-73",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-77",
						1
					],
					"source": [
						"obj-74",
						2
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-75",
						0
					],
					"source": [
						"obj-74",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-76",
						1
					],
					"source": [
						"obj-75",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-76",
						0
					],
					"source": [
						"obj-74",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-77",
						0
					],
					"source": [
						"obj-76",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-78",
						0
					],
					"source": [
						"obj-77",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-10",
						0
					],
					"source": [
						"obj-78",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-83",
						0
					],
					"source": [
						"obj-80",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-82",
						0
					],
					"source": [
						"obj-81",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-83",
						1
					],
					"source": [
						"obj-82",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-83",
						0
					],
					"source": [
						"obj-82",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-84",
						0
					],
					"source": [
						"obj-83",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-10",
						0
					],
					"source": [
						"obj-84",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-88",
						0
					],
					"source": [
						"obj-87",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-89",
						0
					],
					"source": [
						"obj-88",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-90",
						0
					],
					"source": [
						"obj-89",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-91",
						0
					],
					"source": [
						"obj-89",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-92",
						0
					],
					"source": [
						"obj-88",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-93",
						0
					],
					"source": [
						"obj-92",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-94",
						0
					],
					"source": [
						"obj-93",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-95",
						0
					],
					"source": [
						"obj-94",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-95",
						0
					],
					"source": [
						"obj-92",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-96",
						0
					],
					"source": [
						"obj-88",
						2
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-97",
						0
					],
					"source": [
						"obj-96",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-98",
						0
					],
					"source": [
						"obj-96",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-99",
						0
					],
					"source": [
						"obj-88",
						3
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-100",
						0
					],
					"source": [
						"obj-99",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-101",
						0
					],
					"source": [
						"obj-99",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-102",
						0
					],
					"source": [
						"obj-101",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-103",
						0
					],
					"source": [
						"obj-88",
						4
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-104",
						0
					],
					"source": [
						"obj-103",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-105",
						0
					],
					"source": [
						"obj-88",
						5
					]
				}
			}
		]
	}
}
