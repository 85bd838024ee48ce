package prebuilt

func init() { floors["NumberRangeModel"] = 80 }
